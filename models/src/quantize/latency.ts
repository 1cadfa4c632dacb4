import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

export type Runtime = 'web' | 'node';

export interface LatencyOptions {
  runtime: Runtime;
  inputName: string;
  dims: readonly number[];
  /** Timed runs after 3 warm-up runs (default 30). */
  runs?: number;
  /**
   * Threads: intra-op threads for node (default 2); for web the WASM thread pool size, which is set once per
   * process on first use (default 1, the agent's setting) and cannot change afterwards.
   */
  threads?: number;
  /** Input to feed; zeros if omitted. */
  input?: Float32Array;
}

export interface Latency {
  runtime: Runtime;
  threads: number;
  runs: number;
  p50: number;
  p90: number;
  mean: number;
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);

/** Wall time of `session.run` in onnxruntime-node or onnxruntime-web (WASM), in ms. */
export async function measureLatency(model: Uint8Array, opts: LatencyOptions): Promise<Latency> {
  const runs = opts.runs ?? 30;
  const size = opts.dims.reduce((a, b) => a * b, 1);
  const input = opts.input ?? new Float32Array(size);
  const times: number[] = [];
  let threads: number;
  if (opts.runtime === 'node') {
    threads = opts.threads ?? 2;
    const s = await ortNode.InferenceSession.create(model, {
      intraOpNumThreads: threads,
      logSeverityLevel: 3,
    });
    const feeds = { [opts.inputName]: new ortNode.Tensor('float32', input, [...opts.dims]) };
    for (let i = 0; i < runs + 3; i++) {
      const t0 = performance.now();
      await s.run(feeds);
      if (i >= 3) times.push(performance.now() - t0);
    }
    await s.release();
  } else {
    if (opts.threads !== undefined) ortWeb.env.wasm.numThreads = opts.threads;
    else if (ortWeb.env.wasm.numThreads === undefined) ortWeb.env.wasm.numThreads = 1;
    threads = ortWeb.env.wasm.numThreads ?? 1;
    const s = await ortWeb.InferenceSession.create(model, {
      executionProviders: ['wasm'],
      logSeverityLevel: 3,
    });
    const feeds = { [opts.inputName]: new ortWeb.Tensor('float32', input, [...opts.dims]) };
    for (let i = 0; i < runs + 3; i++) {
      const t0 = performance.now();
      await s.run(feeds);
      if (i >= 3) times.push(performance.now() - t0);
    }
    await s.release();
  }
  times.sort((a, b) => a - b);
  return {
    runtime: opts.runtime,
    threads,
    runs,
    p50: percentile(times, 50),
    p90: percentile(times, 90),
    mean: times.reduce((a, b) => a + b, 0) / Math.max(1, times.length),
  };
}
