import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import type { LoadedModel } from '../manifest/load.ts';
import type { Runtime } from '../quantize/latency.ts';

export interface ModelRunner {
  /** Runs one preprocessed input; returns the named outputs and the wall time of `session.run` in ms. */
  run(input: Float32Array): Promise<{ outputs: Record<string, Float32Array>; ms: number }>;
  release(): Promise<void>;
}

/**
 * A session on the model in onnxruntime-node (what the agent runs; the default) or onnxruntime-web (WASM,
 * the browser). `threads`: node intra-op threads (default 1); web uses its process-wide pool size.
 */
export async function createModelRunner(
  model: LoadedModel,
  opts: { runtime: Runtime; outputs: string[]; threads?: number },
): Promise<ModelRunner> {
  const { name, shape } = model.manifest.input;
  const dims = [...shape];
  if (opts.runtime === 'node') {
    const s = await ortNode.InferenceSession.create(model.bytes, {
      intraOpNumThreads: opts.threads ?? 1,
      logSeverityLevel: 3,
    });
    return {
      async run(input) {
        const t0 = performance.now();
        const out = await s.run({ [name]: new ortNode.Tensor('float32', input, dims) }, opts.outputs);
        const ms = performance.now() - t0;
        return {
          outputs: Object.fromEntries(opts.outputs.map((o) => [o, out[o]?.data as Float32Array])),
          ms,
        };
      },
      release: () => s.release(),
    };
  }
  if (ortWeb.env.wasm.numThreads === undefined) ortWeb.env.wasm.numThreads = opts.threads ?? 1;
  const s = await ortWeb.InferenceSession.create(model.bytes, {
    executionProviders: ['wasm'],
    logSeverityLevel: 3,
  });
  return {
    async run(input) {
      const t0 = performance.now();
      const out = await s.run({ [name]: new ortWeb.Tensor('float32', input, dims) }, opts.outputs);
      const ms = performance.now() - t0;
      return { outputs: Object.fromEntries(opts.outputs.map((o) => [o, out[o]?.data as Float32Array])), ms };
    },
    release: () => s.release(),
  };
}
