import type { ImageFrame } from '../synthetic/frame.ts';
import type { Rng } from '../synthetic/rng.ts';

/** One augmentation of a frame: flips, a small shift (edge pixels repeated), brightness and contrast. */
export interface Augmentation {
  flipX: boolean;
  flipY: boolean;
  /** Shift in pixels (positive = content moves right / down). */
  dx: number;
  dy: number;
  /** Pixel' = (pixel − 128)·contrast + 128 + brightness. */
  brightness: number;
  contrast: number;
}

export const IDENTITY: Augmentation = {
  flipX: false,
  flipY: false,
  dx: 0,
  dy: 0,
  brightness: 0,
  contrast: 1,
};

/** A seeded random augmentation: each flip with p = ½, shift ≤ `shift`·size, brightness ±12, contrast ±10 %. */
export function randomAugmentation(rng: Rng, frame: ImageFrame, shift = 0.03): Augmentation {
  const r = rng;
  return {
    flipX: r() < 0.5,
    flipY: r() < 0.5,
    dx: Math.round((r() * 2 - 1) * shift * frame.width),
    dy: Math.round((r() * 2 - 1) * shift * frame.height),
    brightness: (r() * 2 - 1) * 12,
    contrast: 1 + (r() * 2 - 1) * 0.1,
  };
}

/** Applies `a` to `frame` (any channel count); returns a new frame of the same size. */
export function augment(frame: ImageFrame, a: Augmentation): ImageFrame {
  const { width: w, height: h, channels: c, data } = frame;
  const out = new Uint8Array(w * h * c);
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++)
    lut[v] = Math.max(0, Math.min(255, Math.round((v - 128) * a.contrast + 128 + a.brightness)));
  for (let y = 0; y < h; y++) {
    let sy = Math.min(h - 1, Math.max(0, y - a.dy));
    if (a.flipY) sy = h - 1 - sy;
    for (let x = 0; x < w; x++) {
      let sx = Math.min(w - 1, Math.max(0, x - a.dx));
      if (a.flipX) sx = w - 1 - sx;
      const from = (sy * w + sx) * c;
      const to = (y * w + x) * c;
      for (let k = 0; k < c; k++) out[to + k] = lut[data[from + k] as number] as number;
    }
  }
  return { width: w, height: h, channels: c, data: out };
}
