import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabelledImage, loadLabelledImages } from '../images/load.ts';
import { writeSyntheticSet } from '../images/synthetic-set.ts';
import { defaultModelDir, loadModel } from '../manifest/load.ts';
import { type EvaluationResult, evaluateModel, rocCurve } from './evaluate.ts';
import { renderEvaluationPng } from './plot.ts';
import { decodeScore } from './score.ts';

describe('evaluateModel on models/default', () => {
  let dir: string;
  let images: LabelledImage[];
  let r: EvaluationResult;
  let counts: { ok: number; defect: number };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sl-eval-'));
    counts = await writeSyntheticSet({ dir, seed: 424242, count: 60, defectRate: 0.3 });
    images = await loadLabelledImages(dir);
    r = await evaluateModel({ modelDir: defaultModelDir(), images, runtime: 'node' });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('scores a fresh synthetic PNG set like the manifest says', async () => {
    expect(counts.ok + counts.defect).toBe(60);
    expect(counts.defect).toBeGreaterThan(8);
    expect(r.n).toBe(60);
    expect(r.positives).toBe(counts.defect);
    expect(r.threshold).toBe((await loadModel(defaultModelDir())).manifest.threshold);
    const { tp, fp, tn, fn } = r.confusion;
    expect(tp + fn).toBe(counts.defect);
    expect(tn + fp).toBe(counts.ok);
    expect(r.accuracy).toBeCloseTo((tp + tn) / 60, 12);
    expect(r.f1).toBeCloseTo((2 * tp) / (2 * tp + fp + fn), 12);
    expect(r.auroc).toBeGreaterThan(0.97);
    expect(r.accuracy).toBeGreaterThan(0.93);
    expect(r.latency_ms).toBeGreaterThan(0);
    // Every score is a probability, and the defects score higher on average.
    const mean = (l: 0 | 1) =>
      r.scores.filter((_, i) => r.labels[i] === l).reduce((a, b) => a + b, 0) / counts[l ? 'defect' : 'ok'];
    expect(Math.min(...r.scores)).toBeGreaterThanOrEqual(0);
    expect(mean(1) - mean(0)).toBeGreaterThan(0.5);
  });

  it('gives the same scores in onnxruntime-web', async () => {
    const n = await evaluateModel({
      modelDir: defaultModelDir(),
      images: images.slice(0, 6),
      runtime: 'web',
    });
    expect(n.runtime).toBe('web');
    for (const [i, s] of n.scores.entries()) expect(s).toBeCloseTo(r.scores[i] as number, 4);
  });

  it('renders a 960×520 PNG with the curve and the operating point', () => {
    const png = decode(renderEvaluationPng(r));
    expect([png.width, png.height, png.channels]).toEqual([960, 520, 3]);
    const colours = new Set<string>();
    for (let i = 0; i < png.data.length; i += 3)
      colours.add(`${png.data[i]},${png.data[i + 1]},${png.data[i + 2]}`);
    expect(colours.has('31,119,180')).toBe(true); // ROC curve
    expect(colours.has('214,39,40')).toBe(true); // operating point
  });
});

describe('rocCurve', () => {
  it('runs from (0,0) to (1,1) through tied scores once', () => {
    expect(rocCurve([0.9, 0.8, 0.8, 0.1], [1, 1, 0, 0]).map((p) => [p.fpr, p.tpr])).toEqual([
      [0, 0],
      [0, 0.5],
      [0.5, 1],
      [1, 1],
    ]);
  });
});

describe('decodeScore', () => {
  it('decodes each manifest output kind to a defect score', () => {
    expect(decodeScore({ name: 'o', decode: 'sigmoid-score' }, Float32Array.of(0.7))).toBeCloseTo(0.7);
    expect(
      decodeScore({ name: 'o', decode: 'probabilities', okIndex: 0 }, Float32Array.of(0.2, 0.5, 0.3)),
    ).toBeCloseTo(0.8);
    expect(
      decodeScore({ name: 'o', decode: 'softmax', okIndex: 1 }, Float32Array.of(0, Math.log(3))),
    ).toBeCloseTo(0.25);
    const anomaly = {
      name: 's',
      decode: 'anomaly-score',
      normalization: { min: 0, max: 10, threshold: 4 },
    } as const;
    expect(decodeScore(anomaly, Float32Array.of(4))).toBeCloseTo(0.5);
    expect(decodeScore(anomaly, Float32Array.of(7))).toBeCloseTo(0.8);
    expect(decodeScore(anomaly, Float32Array.of(-50))).toBe(0);
    // [1, 4 + 2, 3]: boxes then rows of class 0 and class 1 scores; only class 1 is a defect.
    const yolo = { name: 'y', decode: 'yolo-detections' as const, classes: 2, iou: 0.45, defectClasses: [1] };
    const data = Float32Array.of(...new Array(12).fill(5), 0.9, 0.9, 0.9, 0.1, 0.6, 0.3);
    expect(decodeScore(yolo, data)).toBeCloseTo(0.6);
  });
});
