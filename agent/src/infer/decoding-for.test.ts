import { defaultModelDir, loadModel, type Manifest } from '@sightline/models';
import { describe, expect, it } from 'vitest';
import { decodingFor } from './decoding-for.ts';

describe('decodingFor', async () => {
  const { manifest } = await loadModel(defaultModelDir());
  const withOutput = (output: unknown, labels = manifest.labels): Manifest =>
    ({ ...manifest, labels, output }) as Manifest;

  it('reads the default model as one score', () => {
    expect(decodingFor(manifest)).toEqual({ kind: 'score', output: manifest.output.name });
  });

  it('maps class, anomaly and YOLO outputs', () => {
    expect(
      decodingFor(withOutput({ name: 'p', decode: 'softmax', okIndex: 1 }, ['scratch', 'good', 'dent'])),
    ).toEqual({
      kind: 'classes',
      output: 'p',
      labels: ['scratch', 'good', 'dent'],
      okLabel: 'good',
      softmax: true,
    });
    const norm = { min: 0, max: 20, threshold: 10 };
    expect(
      decodingFor(withOutput({ name: 's', decode: 'anomaly-score', map: 'm', normalization: norm })),
    ).toEqual({
      kind: 'anomaly',
      score: 's',
      normalize: norm,
      map: 'm',
      mapThreshold: 10,
    });
    expect(
      decodingFor(
        withOutput({ name: 'o', decode: 'yolo-detections', classes: 2, iou: 0.5, defectClasses: [1] }, [
          'screw',
          'dent',
        ]),
      ),
    ).toMatchObject({ kind: 'yolo', output: 'o', labels: ['screw', 'dent'], iou: 0.5, defectClasses: [1] });
  });
});
