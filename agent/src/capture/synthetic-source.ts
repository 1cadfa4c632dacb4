import { setTimeout as delay } from 'node:timers/promises';
import { createPartStream } from '@sightline/models';
import type { CapturedFrame, FrameSource } from './frame-source.ts';

export interface SyntheticSourceOptions {
  seed: number;
  defectRate: number;
  /** Frames per second; 0 = unpaced. */
  fps: number;
  width: number;
  height: number;
  /** Stop after this many frames (tests, benchmarks); unlimited by default. */
  limit?: number;
  now?: () => number;
}

/** Draws synthetic parts with known ground truth, paced like a camera. */
export function createSyntheticSource(opts: SyntheticSourceOptions): FrameSource {
  const now = opts.now ?? Date.now;
  const stream = createPartStream({
    seed: opts.seed,
    defectRate: opts.defectRate,
    width: opts.width,
    height: opts.height,
  });
  const periodMs = opts.fps > 0 ? 1000 / opts.fps : 0;
  let nextDue = 0;
  let count = 0;

  return {
    kind: 'synthetic',
    async open() {
      nextDue = now();
    },
    async read(): Promise<CapturedFrame | null> {
      if (opts.limit !== undefined && count >= opts.limit) return null;
      if (periodMs > 0) {
        const wait = nextDue - now();
        if (wait > 0) await delay(wait);
        // A slow pipeline does not build a backlog: a camera would have dropped those frames.
        nextDue = Math.max(nextDue + periodMs, now());
      }
      const start = performance.now();
      const part = stream.next();
      count += 1;
      return {
        id: `syn-${opts.seed}-${part.index}`,
        ts: now(),
        frame: part.frame,
        truth: part.truth,
        captureMs: performance.now() - start,
      };
    },
    async close() {},
  };
}
