import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { ManifestInput } from '../manifest/schema.ts';
import { preprocessFrame } from '../preprocess/preprocess.ts';
import type { ImageFrame } from '../synthetic/frame.ts';

/** Runs an ONNX graph with one image input on frames (shared preprocessing) in onnxruntime-node. */
export interface FrameRunner {
  input: ManifestInput;
  run(frame: ImageFrame): Promise<Float32Array>;
  /** Several named outputs of one run. */
  runOutputs(frame: ImageFrame, names: readonly string[]): Promise<Record<string, Float32Array>>;
  /** Several named outputs of one run on an already preprocessed input. */
  runInput(x: Float32Array, names: readonly string[]): Promise<Record<string, Float32Array>>;
  release(): Promise<void>;
}

/** Every core: training is the only work on the machine while it runs. */
export const TRAINING_THREADS = Math.max(1, availableParallelism());

export async function createFrameRunner(
  bytes: Uint8Array,
  input: ManifestInput,
  output: string,
  opts: { threads?: number } = {},
): Promise<FrameRunner> {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: opts.threads ?? TRAINING_THREADS,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
  const runInput = async (x: Float32Array, names: readonly string[]) => {
    const out = await session.run({ [input.name]: new ort.Tensor('float32', x, [...input.shape]) }, [
      ...names,
    ]);
    return Object.fromEntries(names.map((n) => [n, (out[n] as ort.Tensor).data as Float32Array]));
  };
  return {
    input,
    async run(frame) {
      const x = preprocessFrame(frame, input);
      const out = await session.run({ [input.name]: new ort.Tensor('float32', x, [...input.shape]) }, [
        output,
      ]);
      return Float32Array.from((out[output] as ort.Tensor).data as Float32Array);
    },
    runOutputs: (frame, names) => runInput(preprocessFrame(frame, input), names),
    runInput,
    release: () => session.release(),
  };
}

/** Median wall time (ms) of one inference on a fixed preprocessed frame, after a warm-up. */
export async function medianLatencyMs(
  bytes: Uint8Array,
  input: ManifestInput,
  frame: ImageFrame,
  opts: { runs?: number; threads?: number } = {},
): Promise<number> {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: opts.threads ?? 2,
    interOpNumThreads: 1,
  });
  const feeds = { [input.name]: new ort.Tensor('float32', preprocessFrame(frame, input), [...input.shape]) };
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < (opts.runs ?? 30); i++) {
    const t = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t);
  }
  await session.release();
  times.sort((a, b) => a - b);
  return times[times.length >> 1] ?? Number.NaN;
}
