import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraph } from '../export/graph.ts';
import { loadModel } from '../manifest/load.ts';
import { preprocessFrame } from '../preprocess/preprocess.ts';
import { decodeModel, encodeModel, onnx } from '../quantize/onnx-model.ts';
import { createPartStream } from '../synthetic/stream.ts';
import { importModel } from './import.ts';

const images = (() => {
  const stream = createPartStream({ seed: 77, defectRate: 0.4, width: 96, height: 96 });
  return Array.from({ length: 30 }, () => {
    const p = stream.next();
    return { frame: p.frame, label: (p.truth === 'defect' ? 1 : 0) as 0 | 1 };
  });
})();

/** anomalib ≥ 1.0 layout: input "input" [1,3,H,W] → "pred_score" [1] and "anomaly_map" [1,1,H,W]. */
function anomalibLike(): Uint8Array {
  const g = createGraph('padim-like');
  g.input('input', [1, 3, 64, 64]);
  g.initializer('axes_c', [], [0]);
  const gray = g.node('ReduceMean', ['input'], 'gray', { axes: [1], keepdims: 1 });
  const local = g.node('AveragePool', [gray], 'local', {
    kernel_shape: [9, 9],
    pads: [4, 4, 4, 4],
    count_include_pad: 0,
  });
  const diff = g.node('Sub', [gray, local], 'diff');
  const map = g.node('Mul', [diff, diff], 'anomaly_map');
  g.node('ReduceMax', [map], 'pred_score', { axes: [1, 2, 3], keepdims: 0 });
  g.output('pred_score', [1]);
  g.output('anomaly_map', [1, 1, 64, 64]);
  return g.toBytes();
}

/** Ultralytics detect layout: "images" [1,3,64,64] → "output0" [1, 4 + 2, 64], class names in metadata. */
function yoloLike(): Uint8Array {
  const g = createGraph('yolo-like');
  g.input('images', [1, 3, 64, 64]);
  const w = Float32Array.from({ length: 6 * 3 * 8 * 8 }, (_, i) => Math.sin(i) * 0.05);
  g.initializer('head_w', w, [6, 3, 8, 8]);
  g.initializerInt64('shape', [1, 6, 64], [3]);
  const f = g.node('Conv', ['images', 'head_w'], 'head', { kernel_shape: [8, 8], strides: [8, 8] });
  const r = g.node('Reshape', [f, 'shape'], 'flat');
  g.node('Sigmoid', [r], 'output0');
  g.output('output0', [1, 6, 64]);
  const model = decodeModel(g.toBytes());
  model.metadataProps = [
    onnx.StringStringEntryProto.create({ key: 'names', value: "{0: 'scratch', 1: 'dent'}" }),
    onnx.StringStringEntryProto.create({ key: 'task', value: 'detect' }),
  ];
  return encodeModel(model);
}

/** A gray classifier: [1,1,32,32] → GlobalAveragePool → Gemm → (Softmax) → [1, 2]. */
function classifierLike(softmax: boolean): Uint8Array {
  const g = createGraph('classifier');
  g.input('x', [1, 1, 32, 32]);
  g.initializer('fc_w', [8, -8], [1, 2]);
  g.initializer('fc_b', [-1, 1], [2]);
  const p = g.node('GlobalAveragePool', ['x'], 'pool');
  const f = g.node('Flatten', [p], 'flat', { axis: 1 });
  const logits = g.node('Gemm', [f, 'fc_w', 'fc_b'], softmax ? 'logits' : 'out');
  if (softmax) g.node('Softmax', [logits], 'out', { axis: 1 });
  g.output('out', [1, 2]);
  return g.toBytes();
}

describe('importModel', () => {
  let root: string;
  const write = async (name: string, bytes: Uint8Array) => {
    const path = join(root, name);
    await writeFile(path, bytes);
    return path;
  };
  /** The model's outputs for every test image, straight from onnxruntime-node. */
  const runAll = async (dir: string, output: string) => {
    const { manifest, bytes } = await loadModel(dir);
    const s = await ort.InferenceSession.create(bytes);
    const out: Float32Array[] = [];
    for (const img of images) {
      const x = preprocessFrame(img.frame, manifest.input);
      const r = await s.run({
        [manifest.input.name]: new ort.Tensor('float32', x, [...manifest.input.shape]),
      });
      out.push(r[output]?.data as Float32Array);
    }
    await s.release();
    return out;
  };
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sl-import-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('anomalib: score + map outputs, ImageNet RGB input, min-max normalisation from the data', async () => {
    const out = join(root, 'anomalib');
    const { manifest } = await importModel({
      kind: 'anomalib',
      onnx: await write('padim.onnx', anomalibLike()),
      out,
      images,
      dataset: 'synthetic',
      created: '2025-01-01T00:00:00Z',
    });
    expect(manifest.task).toBe('anomaly');
    expect(manifest.id).toBe('padim');
    expect(manifest.input).toEqual({
      name: 'input',
      shape: [1, 3, 64, 64],
      layout: 'NCHW',
      colour: 'rgb',
      resize: 'stretch',
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    });
    expect(manifest.output).toMatchObject({
      name: 'pred_score',
      decode: 'anomaly-score',
      map: 'anomaly_map',
    });
    const raw = (await runAll(out, 'pred_score')).map((d) => d[0] as number);
    const n = manifest.output.decode === 'anomaly-score' ? manifest.output.normalization : undefined;
    expect(n?.min).toBeCloseTo(Math.min(...raw), 5);
    expect(n?.max).toBeCloseTo(Math.max(...raw), 5);
    expect(manifest.threshold).toBe(0.5);
    expect(manifest.evaluation.n).toBe(30);
    expect(manifest.evaluation.positives).toBe(images.filter((i) => i.label === 1).length);
    await expect(loadModel(out)).resolves.toBeTruthy(); // SHA-256 and schema hold
  });

  it('yolo: [1, 4+nc, N] detections, labels from Ultralytics metadata, chosen defect classes', async () => {
    const out = join(root, 'yolo');
    const { manifest } = await importModel({
      kind: 'yolo',
      onnx: await write('best.onnx', yoloLike()),
      out,
      images,
      dataset: 'synthetic',
      defectClasses: ['dent'],
      threshold: 0.5,
    });
    expect(manifest.task).toBe('detect');
    expect(manifest.labels).toEqual(['scratch', 'dent']);
    expect(manifest.input).toMatchObject({ name: 'images', colour: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] });
    expect(manifest.output).toEqual({
      name: 'output0',
      decode: 'yolo-detections',
      classes: 2,
      iou: 0.45,
      defectClasses: [1],
    });
    // The score is the best class-1 ("dent") confidence over the 64 candidate boxes.
    const scores = (await runAll(out, 'output0')).map((d) => Math.max(...d.subarray(5 * 64, 6 * 64)));
    const correct = scores.filter((s, i) => (s >= 0.5 ? 1 : 0) === images[i]?.label).length;
    expect(manifest.evaluation.accuracy).toBeCloseTo(correct / 30, 10);
    expect(manifest.threshold).toBe(0.5);
  });

  it('classifier: probabilities after Softmax, logits without; gray input keeps one mean/std', async () => {
    const a = await importModel({
      kind: 'classifier',
      onnx: await write('p.onnx', classifierLike(true)),
      out: join(root, 'cls-p'),
      images,
      dataset: 'synthetic',
    });
    expect(a.manifest.output).toEqual({ name: 'out', decode: 'probabilities', okIndex: 0 });
    expect(a.manifest.input).toMatchObject({
      shape: [1, 1, 32, 32],
      colour: 'gray',
      mean: [0.485],
      std: [0.229],
    });
    const b = await importModel({
      kind: 'classifier',
      onnx: await write('l.onnx', classifierLike(false)),
      out: join(root, 'cls-l'),
      images,
      dataset: 'synthetic',
      labels: ['defect', 'ok'],
    });
    expect(b.manifest.output).toEqual({ name: 'out', decode: 'softmax', okIndex: 1 });
    // Same network with the ok class swapped: score_b = p(class 0) = 1 − score_a, so the AUROCs mirror.
    expect(a.manifest.evaluation.auroc + b.manifest.evaluation.auroc).toBeCloseTo(1, 6);
    expect(a.manifest.evaluation.auroc).not.toBeCloseTo(0.5, 3);
  });

  it('refuses a model whose layout does not fit the kind, saying what it found', async () => {
    const path = await write('y2.onnx', yoloLike());
    await expect(
      importModel({ kind: 'classifier', onnx: path, out: join(root, 'bad'), images, dataset: 'x' }),
    ).rejects.toThrow(/expected one output \[1, classes\], found "output0" \[1, 6, 64\]/);
  });
});
