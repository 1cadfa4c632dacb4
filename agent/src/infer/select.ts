import type { Logger } from 'pino';
import type { InferenceEngine } from './engine.ts';
import { createOrtNodeEngine } from './ort-node-engine.ts';
import { createOrtWebEngine, type OrtWebEngineOptions } from './ort-web-engine.ts';

export type RuntimeChoice = 'auto' | 'onnxruntime-node' | 'onnxruntime-web';

export interface EngineSelection {
  engine: InferenceEngine;
  /** Median latency per candidate measured at start-up, ms (auto only). */
  measured: Record<string, number>;
}

/** Median of `runs` inferences on a constant input, after one warm-up. */
export async function measureEngine(
  engine: InferenceEngine,
  dims: readonly number[],
  runs = 15,
): Promise<number> {
  const input = new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5);
  await engine.run(input, dims);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await engine.run(input, dims);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.POSITIVE_INFINITY;
}

/**
 * Picks the runtime: a fixed one when configured, otherwise every runtime that loads is measured
 * on the model itself and the fastest kept (onnxruntime-node where it installs, wasm elsewhere).
 */
export async function selectEngine(
  opts: OrtWebEngineOptions & { runtime: RuntimeChoice; dims: readonly number[]; log: Logger },
): Promise<EngineSelection> {
  if (opts.runtime === 'onnxruntime-node') return { engine: await createOrtNodeEngine(opts), measured: {} };
  if (opts.runtime === 'onnxruntime-web') return { engine: await createOrtWebEngine(opts), measured: {} };
  const candidates: InferenceEngine[] = [];
  for (const make of [createOrtNodeEngine, createOrtWebEngine]) {
    try {
      candidates.push(await make(opts));
    } catch (err) {
      opts.log.warn(
        { event: 'runtime_unavailable', err: (err as Error).message },
        'inference runtime unavailable',
      );
    }
  }
  if (candidates.length === 0) {
    // Both failed: surface the wasm error, which names the model problem.
    return { engine: await createOrtWebEngine(opts), measured: {} };
  }
  const measured: Record<string, number> = {};
  for (const c of candidates) measured[c.runtime] = await measureEngine(c, opts.dims);
  candidates.sort((a, b) => (measured[a.runtime] ?? 0) - (measured[b.runtime] ?? 0));
  const [best, ...rest] = candidates as [InferenceEngine, ...InferenceEngine[]];
  for (const r of rest) await r.close();
  opts.log.info(
    { event: 'runtime_selected', runtime: best.runtime, p50_ms: measured },
    `inference on ${best.runtime}`,
  );
  return { engine: best, measured };
}
