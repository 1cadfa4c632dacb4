import { setTimeout as delay } from 'node:timers/promises';
import { type CapturedFrame, type FrameSource, type LineSignals, monotonicMs } from '../frame-source.ts';
import { type BeltOptions, createBelt, PART_SIZE } from './belt.ts';
import { type CodeFormat, createScene } from './scene.ts';

export interface ConveyorSourceOptions extends BeltOptions {
  defectRate: number;
  /** View width, px (the height is a part plus its label band). */
  width: number;
  /** Free-running camera: frames per second. */
  fps: number;
  /** real: frames come at their time (a live camera); simulated: as fast as they are taken, stamped with simulated times. */
  clock: 'real' | 'simulated';
  /** free-run: a frame every 1/fps; triggered: the photo-eye exposes one frame per part, `exposureDelayMs` after it fires. */
  capture: 'free-run' | 'triggered';
  exposureDelayMs: number;
  code: CodeFormat;
  /** Epoch ms of the belt's start on the simulated clock (default: when first opened). */
  startTs?: number;
  /** Feed this many parts, then end once the last has left the view. */
  limit?: number;
  /** Draw this many parts once and repeat them, codes included (benchmarks). */
  prerender?: number;
  now?: () => number;
}

/**
 * A camera over a simulated conveyor (belt.ts: parts at a pitch with gaps and jitter; scene.ts: what the
 * camera sees). Each frame carries the line's signals since the previous one — photo-eye edges, the
 * encoder count, product changes — as a camera's I/O chunk data would, and the parts in view with their
 * truth. With `clock: simulated` frame times are simulated, so a test's outcome never depends on the
 * machine's speed.
 */
export function createConveyorSource(o: ConveyorSourceOptions): FrameSource {
  const now = o.now ?? Date.now;
  const belt = createBelt(o);
  const scene = createScene({
    belt,
    seed: o.seed,
    defectRate: o.defectRate,
    width: o.width,
    code: o.code,
    ...(o.limit === undefined ? {} : { limit: o.limit }),
    ...(o.prerender ? { prerender: o.prerender } : {}),
  });
  const periodS = 1 / o.fps;
  const limit = o.limit ?? Number.POSITIVE_INFINITY;
  let start: number | undefined;
  let frame = 0;
  /** Parts that have not passed the photo-eye yet start here. */
  let nextEye = 0;
  let lastRecipe: string | undefined;
  let count = 0;

  /** Belt time of the next frame, or undefined when the source has ended. */
  const nextTime = (): number | undefined => {
    if (o.capture === 'triggered') {
      if (frame >= limit) return undefined;
      return belt.passes(frame, o.photoEyeX) + o.exposureDelayMs / 1000;
    }
    const t = frame * periodS;
    // Ended once the last part's trailing edge has left the view.
    if (
      limit !== Number.POSITIVE_INFINITY &&
      belt.travel(t) + belt.part(limit - 1).offset > o.width + PART_SIZE / 2
    )
      return undefined;
    return t;
  };

  const signalsUntil = (t: number, ts: (s: number) => number): LineSignals => {
    const photoEye: { ts: number; encoder: number }[] = [];
    const recipe: { ts: number; recipe: string }[] = [];
    while (nextEye < limit && belt.passes(nextEye, o.photoEyeX) <= t) {
      const part = belt.part(nextEye);
      const passes = belt.passes(nextEye, o.photoEyeX);
      const at = ts(passes);
      // The line announces a product change as its first part reaches the photo-eye.
      if (part.recipe !== undefined && part.recipe !== lastRecipe) {
        recipe.push({ ts: at, recipe: part.recipe });
        lastRecipe = part.recipe;
      }
      photoEye.push({ ts: at, encoder: belt.encoder(passes) });
      nextEye += 1;
    }
    return {
      ...(photoEye.length ? { photoEye } : {}),
      ...(recipe.length ? { recipe } : {}),
      encoder: belt.encoder(t),
    };
  };

  return {
    kind: 'conveyor',
    live: o.clock === 'real',
    simulated: o.clock === 'simulated',
    async open() {
      // Before the belt's clock starts: a real camera does not fall behind its first frames.
      if (start === undefined) await scene.warm();
    },
    async read(): Promise<CapturedFrame | null> {
      start ??= o.clock === 'simulated' ? (o.startTs ?? now()) : now();
      const origin = start;
      let t = nextTime();
      if (t === undefined) return null;
      if (o.clock === 'real') {
        const wait = origin + t * 1000 - now();
        if (wait > 0) await delay(wait);
        // A camera does not queue frames for a slow reader: skip to the latest one due.
        else if (o.capture === 'free-run' && -wait > periodS * 1000) {
          frame = Math.floor((now() - origin) / 1000 / periodS);
          t = nextTime();
          if (t === undefined) return null;
        }
      }
      const begin = performance.now();
      // Durations (latency) run on the monotonic clock, whichever clock the frame times come from.
      const at = monotonicMs();
      const ts = (s: number) => origin + s * 1000;
      const signals = signalsUntil(t, ts);
      if (o.capture === 'triggered') signals.trigger = ts(belt.passes(frame, o.photoEyeX));
      const { frame: image, parts } = await scene.frameAt(t);
      const id = `conv-${o.seed}-${count}`;
      frame += 1;
      count += 1;
      // Truth of the part nearest the view's centre, where an inspection region usually is.
      let nearest: (typeof parts)[number] | undefined;
      for (const p of parts)
        if (!nearest || Math.abs(p.x - o.width / 2) < Math.abs(nearest.x - o.width / 2)) nearest = p;
      return {
        id,
        ts: ts(t),
        at,
        frame: image,
        captureMs: performance.now() - begin,
        signals,
        scene: parts,
        ...(nearest && Math.abs(nearest.x - o.width / 2) < PART_SIZE / 2 ? { truth: nearest.truth } : {}),
      };
    },
    async close() {},
  };
}
