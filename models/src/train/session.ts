import * as ort from 'onnxruntime-web';

export interface GraphRunner {
  /** Runs the graph on one NCHW input; returns the named output's data. */
  run(input: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
}

/** An onnxruntime-web (WASM, single thread: deterministic and the same in Node and the browser) session. */
export async function createRunner(
  bytes: Uint8Array,
  io: { input: string; shape: readonly number[]; output: string },
): Promise<GraphRunner> {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  return {
    async run(input) {
      const feeds = { [io.input]: new ort.Tensor('float32', input, [...io.shape]) };
      const out = await session.run(feeds, [io.output]);
      const tensor = out[io.output];
      if (!tensor) throw new Error(`graph has no output "${io.output}"`);
      return tensor.data as Float32Array;
    },
    release: () => session.release(),
  };
}
