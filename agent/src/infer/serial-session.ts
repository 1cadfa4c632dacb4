import type { InferenceEngine, OutputTensor } from './engine.ts';

/** The part of an onnxruntime session (node or web: same API) that an engine needs. */
interface OrtSession {
  readonly outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
  release(): Promise<void>;
}

/**
 * Wraps an onnxruntime session as an engine. One session runs one inference at a time, so runs
 * from several cameras queue here.
 */
export function serialEngine(
  runtime: string,
  session: OrtSession,
  feed: (input: Float32Array, dims: readonly number[]) => Record<string, unknown>,
): InferenceEngine {
  let queue: Promise<unknown> = Promise.resolve();
  let closed: Promise<void> | undefined;
  return {
    runtime,
    outputNames: session.outputNames,
    run(input, dims) {
      if (closed) return Promise.reject(new Error(`${runtime}: the engine is closed`));
      const job = queue.then(async () => {
        const out = await session.run(feed(input, dims));
        const outputs: Record<string, OutputTensor> = {};
        for (const [name, tensor] of Object.entries(out)) {
          outputs[name] = { data: tensor.data as Float32Array, dims: tensor.dims };
        }
        return outputs;
      });
      queue = job.catch(() => undefined);
      return job;
    },
    close() {
      closed ??= queue.then(() => session.release());
      return closed;
    },
  };
}
