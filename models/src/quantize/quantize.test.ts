import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGraph } from '../export/graph.ts';
import { createRng, normal } from '../synthetic/rng.ts';
import { countOps } from './fusion.ts';
import { buildMobileNetV2 } from './mobilenet.ts';
import { type QuantizeReport, quantizeStatic } from './quantize.ts';

const SIZE = 32;
const DIMS = [1, 3, SIZE, SIZE];
const noise = (seed: number, n: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: 3 * SIZE * SIZE }, () => normal(rng)));
};

async function outputs(model: Uint8Array, inputs: Float32Array[], name: string): Promise<Float32Array[]> {
  const s = await ort.InferenceSession.create(model, { logSeverityLevel: 3 });
  const out: Float32Array[] = [];
  for (const x of inputs)
    out.push((await s.run({ image: new ort.Tensor('float32', x, DIMS) }))[name]?.data as Float32Array);
  await s.release();
  return out;
}

/** ‖q − f‖ / ‖f‖ over all outputs. */
function relativeError(f: Float32Array[], q: Float32Array[]): number {
  let num = 0;
  let den = 0;
  for (const [k, a] of f.entries()) {
    for (const [i, v] of a.entries()) {
      num += (v - (q[k]?.[i] as number)) ** 2;
      den += v ** 2;
    }
  }
  return Math.sqrt(num / den);
}

describe('quantizeStatic on a small MobileNetV2-shaped net', () => {
  const fp32 = buildMobileNetV2({ size: SIZE, width: 0.35, stages: 4, classes: 16, seed: 3 });
  let model: Uint8Array;
  let report: QuantizeReport;
  const progress: number[] = [];

  beforeAll(async () => {
    ({ model, report } = await quantizeStatic({
      model: fp32,
      calibration: noise(1, 16),
      inputName: 'image',
      dims: DIMS,
      onProgress: (done, total) => progress.push(done / total),
    }));
  });

  it('folds every ReLU6, has ORT fuse every Conv and Add, and keeps the head float', () => {
    const ops = countOps(fp32);
    expect(ops).toMatchObject({ Conv: 31, Clip: 21, Add: 7, Gemm: 1 });
    expect(report.foldedActivations).toBe(21);
    expect(report.floatHead).toBe(1);
    expect(report.quantizedNodes).toEqual({ Conv: 31, Add: 7, GlobalAveragePool: 1 });
    expect(report.fused).toEqual({ QLinearConv: 31, QLinearAdd: 7 });
    // Left over: Q of the graph input, DQ of the last Conv output for the float pool → Gemm head.
    expect(report.leftoverQdq).toBe(2);
    expect(report.optimizedAfter).toMatchObject({ GlobalAveragePool: 1, Gemm: 1 });
    expect(report.optimizedAfter.Conv ?? 0).toBe(0);
    expect(progress.at(-1)).toBe(1);
  });

  it('stores int8 Conv weights with int32 biases', () => {
    const q = countOps(model);
    expect(q.QuantizeLinear).toBe(report.quantizedTensors);
    expect(report.quantizedWeights).toBe(31);
    expect(q.DequantizeLinear).toBe(report.quantizedTensors + 2 * 31);
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore * 0.7);
  });

  it('quantizes the head too when asked: QGemm and QLinearGlobalAveragePool', async () => {
    const r = await quantizeStatic({
      model: fp32,
      calibration: noise(1, 4),
      inputName: 'image',
      dims: DIMS,
      keepHeadFloat: false,
    });
    expect(r.report.fused).toEqual({ QLinearConv: 31, QLinearAdd: 7, QLinearGlobalAveragePool: 1, QGemm: 1 });
    expect(r.report.floatHead).toBe(0);
  });

  it('keeps outputs close to fp32 on inputs it was not calibrated on', async () => {
    const inputs = noise(99, 6);
    const f = await outputs(fp32, inputs, 'logits');
    const q = await outputs(model, inputs, 'logits');
    expect(relativeError(f, q)).toBeLessThan(0.1);
    // And the per-tensor variant runs too, a little less accurately.
    const pt = await quantizeStatic({
      model: fp32,
      calibration: noise(1, 16),
      inputName: 'image',
      dims: DIMS,
      perChannel: false,
    });
    expect(pt.report.weights).toBe('int8 symmetric per-tensor');
    expect(relativeError(f, await outputs(pt.model, inputs, 'logits'))).toBeLessThan(0.5);
  });
});

describe('quantizeStatic details', () => {
  it('folds ReLU into Conv, quantizes a constant Add operand, leaves graph outputs float', async () => {
    const g = createGraph('tiny');
    g.input('image', DIMS);
    g.initializer(
      'w',
      Float32Array.from({ length: 4 * 3 * 9 }, (_, i) => Math.cos(i)),
      [4, 3, 3, 3],
    );
    g.initializer('b', [0.1, -0.2, 0.3, 0], [4]);
    g.initializer('offset', [0.5, -0.5, 1, 2], [1, 4, 1, 1]);
    const c = g.node('Conv', ['image', 'w', 'b'], 'conv', { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    const r = g.node('Relu', [c], 'relu');
    g.node('Add', [r, 'offset'], 'out');
    g.output('out', [1, 4, SIZE, SIZE]);
    const fp32 = g.toBytes();
    const { model, report } = await quantizeStatic({
      model: fp32,
      calibration: noise(5, 4),
      inputName: 'image',
      dims: DIMS,
    });
    expect(report.foldedActivations).toBe(1);
    expect(countOps(model).Relu ?? 0).toBe(0);
    expect(report.fused).toEqual({ QLinearConv: 1 });
    const inputs = noise(6, 2);
    const f = await outputs(fp32, inputs, 'out');
    const q = await outputs(model, inputs, 'out');
    expect(relativeError(f, q)).toBeLessThan(0.02);
    expect(Math.min(...(q[0] as Float32Array))).toBeGreaterThanOrEqual(-0.5 - 0.02); // ReLU still holds
  });

  it('refuses an empty calibration set and a wrong input size', async () => {
    const fp32 = buildMobileNetV2({ size: SIZE, width: 0.35, stages: 1 });
    await expect(
      quantizeStatic({ model: fp32, calibration: [], inputName: 'image', dims: DIMS }),
    ).rejects.toThrow(/no calibration inputs/);
    await expect(
      quantizeStatic({ model: fp32, calibration: [new Float32Array(5)], inputName: 'image', dims: DIMS }),
    ).rejects.toThrow(/has 5 values, dims \[1, 3, 32, 32\] need 3072/);
  });
});
