import { describe, expect, it } from 'vitest';
import { defaultModelDir, loadModel } from '../manifest/load.ts';
import { runOnSet } from './dataset.ts';
import { binaryMetrics } from './metrics.ts';
import { createRunner } from './session.ts';

describe('committed default model', () => {
  it('passes its SHA-256 check and records an evaluation of ≥ 0.98 precision and recall', async () => {
    const { manifest } = await loadModel(defaultModelDir());
    expect(manifest.evaluation.n).toBeGreaterThanOrEqual(1000);
    expect(manifest.evaluation.precision).toBeGreaterThanOrEqual(0.98);
    expect(manifest.evaluation.recall).toBeGreaterThanOrEqual(0.98);
  });

  it('reaches precision and recall ≥ 0.97 on 400 fresh seeded parts in onnxruntime-web', {
    timeout: 30_000,
  }, async () => {
    const { manifest, bytes } = await loadModel(defaultModelDir());
    const runner = await createRunner(bytes, {
      input: manifest.input.name,
      shape: manifest.input.shape,
      output: manifest.output.name,
    });
    // Seed unrelated to the build's train/validation/evaluation seeds.
    const set = await runOnSet(runner, manifest.input, { seed: 20240917, n: 400, defectRate: 0.15 });
    await runner.release();
    const scores = set.outputs.map((o) => o[0] ?? Number.NaN);
    for (const s of scores) expect(s).toBeGreaterThanOrEqual(0);
    const m = binaryMetrics(scores, set.labels, manifest.threshold);
    expect(m.tp + m.fn).toBe(60);
    expect(m.precision).toBeGreaterThanOrEqual(0.97);
    expect(m.recall).toBeGreaterThanOrEqual(0.97);
  });
});
