import { createRng } from '@sightline/models';

/** Side of a part's square image (px): the scale the default model was trained at. */
export const PART_SIZE = 256;

export interface BeltOptions {
  seed: number;
  /** Parts per minute at nominal speed (slots per minute, empty slots included). */
  partsPerMin: number;
  /** Distance between slot centres in the camera's view, px (at least PART_SIZE: parts never overlap). */
  pitchPx: number;
  /** 0-1: each part sits off its slot centre by up to ±jitter × half the free space between parts. */
  jitter: number;
  /** 0-1: share of slots left empty (a gap on the belt). */
  gaps: number;
  /** 0-0.5: the belt's speed varies by ±this share (a slow sine, period `wobblePeriodS`); encoders follow it, clocks do not. */
  speedVariation: number;
  wobblePeriodS: number;
  /** Where the photo-eye sits in the view, px from the left edge: it fires when a part's centre passes it. */
  photoEyeX: number;
  /** Encoder counts per px of belt travel. */
  countsPerPx: number;
  /** Product runs, repeated in order: `parts` parts of each recipe; empty = no recipes. */
  recipes: readonly { recipe: string; parts: number }[];
  /** Part ids are `${idPrefix}${number}`, numbered from 1. */
  idPrefix: string;
}

/** One part on the belt (empty slots are skipped). */
export interface BeltPart {
  /** 0-based part number (the part stream's index: its image and truth). */
  index: number;
  id: string;
  recipe?: string;
  /** Belt coordinate of its centre, px: its view x is `travel(t) + offset`. */
  offset: number;
}

/**
 * The conveyor's kinematics, a pure function of the options: where every part is at any time, when it
 * passes the photo-eye, and the encoder count. Time `t` is in seconds since the belt started; at t = 0
 * the first slot's part is just outside the view's left edge, and parts move towards +x.
 */
export interface Belt {
  readonly speedPxPerS: number;
  /** Belt travel since start, px. */
  travel(t: number): number;
  /** The time the belt has travelled `px` (inverse of `travel`). */
  timeAt(px: number): number;
  /** Part `n` (0-based, empty slots skipped). Parts are generated in order and cached. */
  part(n: number): BeltPart;
  /** The time part `n`'s centre passes view x. */
  passes(n: number, x: number): number;
  /** Parts whose image overlaps the view [0, width) at time t. */
  inView(t: number, width: number): BeltPart[];
  encoder(t: number): number;
}

export function createBelt(o: BeltOptions): Belt {
  const speed = (o.partsPerMin / 60) * o.pitchPx;
  const w = o.speedVariation;
  const period = o.wobblePeriodS;
  // v(t) = speed·(1 + w·sin(2πt/T)), so travel(t) = speed·(t + w·T/2π·(1 − cos(2πt/T))).
  const travel = (t: number) =>
    speed * (t + (w === 0 ? 0 : ((w * period) / (2 * Math.PI)) * (1 - Math.cos((2 * Math.PI * t) / period))));
  const velocity = (t: number) => speed * (1 + w * Math.sin((2 * Math.PI * t) / period));
  const timeAt = (px: number) => {
    // Newton from the constant-speed guess; travel is strictly increasing (w < 1).
    let t = px / speed;
    for (let i = 0; i < 30; i++) {
      const step = (travel(t) - px) / velocity(t);
      t -= step;
      if (Math.abs(step) < 1e-9) break;
    }
    return t;
  };

  const rng = createRng(o.seed ^ 0x5bd1e995);
  const parts: BeltPart[] = [];
  let slot = 0;
  const free = o.pitchPx - PART_SIZE;
  const runLength = o.recipes.reduce((n, r) => n + r.parts, 0);
  const recipeOf = (n: number) => {
    if (runLength === 0) return undefined;
    let i = n % runLength;
    for (const r of o.recipes) {
      if (i < r.parts) return r.recipe;
      i -= r.parts;
    }
    return undefined;
  };
  const part = (n: number): BeltPart => {
    while (parts.length <= n) {
      const empty = rng() < o.gaps;
      const shift = (rng() * 2 - 1) * o.jitter * (free / 2);
      if (!empty) {
        const index = parts.length;
        const recipe = recipeOf(index);
        parts.push({
          index,
          id: `${o.idPrefix}${String(index + 1).padStart(6, '0')}`,
          ...(recipe === undefined ? {} : { recipe }),
          // Slot k's centre starts half a part left of the view, k pitches further upstream.
          offset: -PART_SIZE / 2 - slot * o.pitchPx + shift,
        });
      }
      slot += 1;
    }
    return parts[n] as BeltPart;
  };

  let first = 0;
  let lastT = 0;
  return {
    speedPxPerS: speed,
    travel,
    timeAt,
    part,
    passes: (n, x) => timeAt(x - part(n).offset),
    inView(t, width) {
      const s = travel(t);
      // Parts that have left on the right never come back while time moves forward.
      if (t < lastT) first = 0;
      lastT = t;
      const out: BeltPart[] = [];
      for (let n = first; ; n++) {
        const p = part(n);
        const x = s + p.offset;
        if (x + PART_SIZE / 2 <= 0) break;
        if (x - PART_SIZE / 2 < width) out.push(p);
        else if (n === first) first += 1;
      }
      return out;
    },
    encoder: (t) => Math.floor(travel(t) * o.countsPerPx),
  };
}
