import { decodeImage } from '../images/decode.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import type { GoldenSet } from './header.ts';

export interface GoldenOutcome {
  file: string;
  expected: number;
  got: number;
}

/** How a model did on its golden images: every score within the tolerance, and how long one took. */
export interface GoldenReport {
  images: number;
  passed: boolean;
  /** Largest |score − expected|. */
  max_diff: number;
  /** Median time of one image through `scoreOf` (preprocessing, inference, decoding), ms. */
  p50_ms: number;
  outputs: GoldenOutcome[];
}

/**
 * Runs each golden image through `scoreOf` (the caller's own inference path: the agent's engine, the hub's
 * ONNX Runtime session) `repeats` times and compares the score with the expected one.
 */
export async function runGolden(
  golden: GoldenSet,
  files: ReadonlyMap<string, Uint8Array>,
  scoreOf: (frame: ImageFrame) => Promise<number>,
  opts: { repeats?: number } = {},
): Promise<GoldenReport> {
  const repeats = Math.max(1, opts.repeats ?? 1);
  const times: number[] = [];
  const outputs: GoldenOutcome[] = [];
  for (const image of golden.images) {
    const bytes = files.get(image.file);
    if (!bytes) throw new Error(`golden image ${image.file} is missing`);
    const frame = decodeImage(bytes, image.file);
    let got = Number.NaN;
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      got = await scoreOf(frame);
      times.push(performance.now() - start);
    }
    outputs.push({ file: image.file, expected: image.score, got });
  }
  const diffs = outputs.map((o) =>
    Number.isFinite(o.got) ? Math.abs(o.got - o.expected) : Number.POSITIVE_INFINITY,
  );
  const max_diff = Math.max(0, ...diffs);
  times.sort((a, b) => a - b);
  return {
    images: outputs.length,
    passed: max_diff <= golden.tolerance,
    max_diff,
    p50_ms: times[times.length >> 1] ?? 0,
    outputs,
  };
}
