import { describe, expect, it } from 'vitest';
import { createModelRunner } from '../evaluate/runner.ts';
import { defaultModelDir, loadModel } from '../manifest/load.ts';
import { runOnSet } from './dataset.ts';
import { binaryMetrics } from './metrics.ts';

describe('committed default model', () => {
  it('passes its SHA-256 check and records an evaluation of ≥ 0.98 precision and recall', async () => {
    const { manifest } = await loadModel(defaultModelDir());
    expect(manifest.evaluation.n).toBeGreaterThanOrEqual(1000);
    expect(manifest.evaluation.precision).toBeGreaterThanOrEqual(0.98);
    expect(manifest.evaluation.recall).toBeGreaterThanOrEqual(0.98);
  });

  // 200 fresh parts in the agent's runtime (onnxruntime-node, 1 thread: ~1 s); the 1200-part figures are
  // re-measured by `pnpm models:build`.
  it('finds 30 defective parts among 200 fresh seeded ones with at most one miss and one false alarm', async () => {
    const model = await loadModel(defaultModelDir());
    const { manifest } = model;
    const runner = await createModelRunner(model, { runtime: 'node', outputs: [manifest.output.name] });
    const graph = {
      run: async (x: Float32Array) => (await runner.run(x)).outputs[manifest.output.name] as Float32Array,
      release: runner.release,
    };
    // Seed unrelated to the build's train/validation/evaluation seeds.
    const set = await runOnSet(graph, manifest.input, { seed: 20240917, n: 200, defectRate: 0.15 });
    await runner.release();
    const scores = set.outputs.map((o) => o[0] ?? Number.NaN);
    for (const s of scores) expect(s).toBeGreaterThanOrEqual(0);
    const m = binaryMetrics(scores, set.labels, manifest.threshold);
    expect(m.tp + m.fn).toBe(30);
    expect(m.fn).toBeLessThanOrEqual(1);
    expect(m.fp).toBeLessThanOrEqual(1);
  });
});
