import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { createGraph, IR_VERSION, OPSET } from './graph.ts';

ort.env.wasm.numThreads = 1;

describe('createGraph', () => {
  it('builds a graph that onnxruntime-web runs with the numbers we expect', async () => {
    const g = createGraph('unit');
    g.input('x', [1, 1, 3, 3]);
    g.initializer('k', new Float32Array(9).fill(1 / 9), [1, 1, 3, 3]);
    g.initializerInt64('flat', [1, 1], [2]);
    g.initializer('w', [2], [1, 1]);
    g.initializer('b', [-9], [1]);
    const mean = g.node('Conv', ['x', 'k'], 'mean');
    const flat = g.node('Reshape', [mean, 'flat'], 'flat_out');
    const peak = g.node('MaxPool', ['x'], 'peak', { kernel_shape: [3, 3] });
    g.node('Gemm', [flat, 'w', 'b'], 'logit');
    g.node('Sigmoid', ['logit'], 'score');
    g.output('score', [1, 1]);
    g.output(peak, [1, 1, 1, 1]);
    const bytes = g.toBytes();

    const decoded = onnxProto.onnx.ModelProto.decode(bytes);
    expect(Number(decoded.irVersion)).toBe(IR_VERSION);
    expect(Number(decoded.opsetImport[0]?.version)).toBe(OPSET);

    const session = await ort.InferenceSession.create(bytes);
    const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 3, 3]);
    const out = await session.run({ x });
    // mean = 5 → 2·5 − 9 = 1 → σ(1) = 0.731059; max = 9.
    expect(out.score?.data[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 5);
    expect(out.peak?.data[0]).toBe(9);
    await session.release();
  });

  it('gives identical bytes for identical calls', () => {
    const make = () => {
      const g = createGraph('same');
      g.input('x', [1, 2]);
      g.initializer('w', [0.25, -1.5], [2, 1]);
      g.node('MatMul', ['x', 'w'], 'y');
      g.output('y', [1, 1]);
      return Buffer.from(g.toBytes());
    };
    expect(make().equals(make())).toBe(true);
  });

  it('refuses duplicate tensor names and initializers whose dims do not match the data', () => {
    const g = createGraph('bad');
    g.input('x', [1]);
    expect(() => g.node('Relu', ['x'], 'x')).toThrow(/"x" is defined twice/);
    expect(() => g.initializer('w', [1, 2, 3], [2, 2])).toThrow(/need 4 values, got 3/);
  });
});
