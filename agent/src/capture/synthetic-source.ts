import { setTimeout as delay } from 'node:timers/promises';
import { createPartStream, type SyntheticPart } from '@sightline/models';
import { type CapturedFrame, type FrameSource, monotonicMs } from './frame-source.ts';
import { createPacer } from './pacer.ts';

export interface SyntheticSourceOptions {
  seed: number;
  defectRate: number;
  /** Frames per second; 0 = unpaced (then every frame is processed, like a recording). */
  fps: number;
  width: number;
  height: number;
  /** Render this many parts once and replay them from memory in a loop (measures the pipeline without the renderer). */
  prerender?: number;
  /** Stop after this many frames (tests, benchmarks); unlimited by default. */
  limit?: number;
  /** Simulated fault: go silent after `afterFrames` for `forMs`. */
  stall?: { afterFrames: number; forMs: number };
  /** Wall clock for the frames' capture time (durations use the monotonic clock). */
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
  let replay: SyntheticPart[] | undefined;
  const pacer = createPacer(opts.fps);
  let count = 0;
  let stalledUntil = 0;

  const nextPart = (): SyntheticPart => {
    if (!opts.prerender) return stream.next();
    replay ??= Array.from({ length: opts.prerender }, () => stream.next());
    const part = replay[count % replay.length] as SyntheticPart;
    // A fresh buffer each time, as a camera hands over: the pipeline may transfer or keep it.
    return { ...part, index: count, frame: { ...part.frame, data: part.frame.data.slice() } };
  };

  return {
    kind: 'synthetic',
    live: opts.fps > 0,
    async open() {
      if (performance.now() < stalledUntil) throw new Error('camera not responding (simulated stall)');
    },
    async read(): Promise<CapturedFrame | null> {
      if (opts.limit !== undefined && count >= opts.limit) return null;
      if (opts.stall && stalledUntil === 0 && count === opts.stall.afterFrames)
        stalledUntil = performance.now() + opts.stall.forMs;
      // Like a camera whose cable was pulled: a read just hangs until the fault clears.
      if (performance.now() < stalledUntil) await delay(stalledUntil - performance.now());
      await pacer.wait();
      const start = performance.now();
      const part = nextPart();
      count += 1;
      return {
        id: `syn-${opts.seed}-${part.index}`,
        ts: now(),
        at: monotonicMs(),
        frame: part.frame,
        truth: part.truth,
        captureMs: performance.now() - start,
      };
    },
    async close() {},
  };
}
