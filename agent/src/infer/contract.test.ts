// The InferenceEngine contract: both engines pass the same suite, on the bundled default model.
import { createPartStream, createPreprocessor, defaultModelDir, loadModel } from '@sightline/models';
import { afterAll, describe, expect, it } from 'vitest';
import type { InferenceEngine } from './engine.ts';
import { createOrtNodeEngine } from './ort-node-engine.ts';
import { createOrtWebEngine } from './ort-web-engine.ts';

const model = await loadModel(defaultModelDir());
const { input, output } = model.manifest;
const prepare = createPreprocessor(input);
const parts = createPartStream({ seed: 11, defectRate: 0.5, width: 128, height: 128 });
const tensors = Array.from({ length: 4 }, () => prepare(parts.next().frame));
const opts = { model: model.bytes, inputName: input.name, outputName: output.name, threads: 1 };

const engines: Record<string, () => Promise<InferenceEngine>> = {
  'onnxruntime-node': () => createOrtNodeEngine(opts),
  'onnxruntime-web': () => createOrtWebEngine(opts),
};
const scores: Record<string, number[]> = {};

describe.each(Object.entries(engines))('InferenceEngine contract: %s', (runtime, create) => {
  let engine: InferenceEngine;
  afterAll(() => engine?.close());

  it('names its runtime and the model outputs', async () => {
    engine = await create();
    expect(engine.runtime).toBe(runtime);
    expect(engine.outputNames).toContain(output.name);
  });

  it('turns an input into finite outputs of the declared size, the same each time', async () => {
    const a = await engine.run(tensors[0] as Float32Array, input.shape);
    const b = await engine.run(tensors[0] as Float32Array, input.shape);
    const out = a[output.name];
    expect(out).toBeDefined();
    expect(out?.data.length).toBe(out?.dims.reduce((x, y) => x * y, 1));
    expect(Array.from(out?.data ?? []).every(Number.isFinite)).toBe(true);
    expect(b[output.name]?.data).toEqual(out?.data);
  });

  it('gives each of several concurrent runs its own result', async () => {
    const one = [];
    for (const t of tensors) one.push((await engine.run(t, input.shape))[output.name]?.data[0]);
    const together = await Promise.all(tensors.map((t) => engine.run(t, input.shape)));
    expect(together.map((o) => o[output.name]?.data[0])).toEqual(one);
    // The parts differ, so the scores do: a mix-up between runs would show.
    expect(new Set(one).size).toBeGreaterThan(1);
    scores[runtime] = one as number[];
  });

  it('rejects an input of the wrong size, naming the problem, and keeps working', async () => {
    await expect(engine.run(new Float32Array(10), [1, 1, 2, 5])).rejects.toThrow(/dim|shape|size|input/i);
    const again = await engine.run(tensors[1] as Float32Array, input.shape);
    expect(again[output.name]?.data[0]).toBe(scores[runtime]?.[1]);
  });

  it('finishes runs in progress before closing, then refuses new ones', async () => {
    const running = engine.run(tensors[2] as Float32Array, input.shape);
    await engine.close();
    expect((await running)[output.name]?.data[0]).toBe(scores[runtime]?.[2]);
    await expect(engine.run(tensors[2] as Float32Array, input.shape)).rejects.toThrow(/closed/);
  });
});

describe('the two engines', () => {
  it('agree on the same inputs', () => {
    const node = scores['onnxruntime-node'] ?? [];
    const web = scores['onnxruntime-web'] ?? [];
    expect(node).toHaveLength(tensors.length);
    for (const [i, s] of node.entries()) expect(Math.abs(s - (web[i] ?? Number.NaN))).toBeLessThan(0.02);
  });
});
