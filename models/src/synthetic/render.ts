import { drawBase, quantize } from './base.ts';
import { drawDefects } from './defects.ts';
import { type DefectKind, grayToBgr, type ImageFrame } from './frame.ts';
import { samplePart, toImage } from './part.ts';
import type { Rng } from './rng.ts';

export interface RenderOptions {
  rng: Rng;
  width?: number;
  height?: number;
  /** Defects to draw; empty or absent means a good part. */
  defects?: readonly DefectKind[];
  /** 1 = gray (default), 3 = BGR. */
  channels?: 1 | 3;
  /**
   * Receives where the defects are (1 = defect pixel, width × height): surface defects where they change the
   * image by ≥ 6 gray levels, a missing feature as the disc where the hole should be. Costs nothing when absent.
   */
  mask?: (mask: Uint8Array) => void;
}

/** Renders one inspected part as a line camera sees it. Pure function of the rng state and options. */
export function renderPart(opts: RenderOptions): ImageFrame {
  const width = opts.width ?? 256;
  const height = opts.height ?? 256;
  const defects = opts.defects ?? [];
  const g = samplePart(opts.rng, width, height, defects.includes('missing-feature'));
  const buf = new Float32Array(width * height);
  drawBase(buf, g);
  if (opts.mask) {
    const before = Float32Array.from(buf);
    drawDefects(buf, opts.rng, g, defects);
    const mask = new Uint8Array(width * height);
    for (let i = 0; i < buf.length; i++)
      if (Math.abs((buf[i] as number) - (before[i] as number)) >= 6) mask[i] = 1;
    g.holes.forEach((h, i) => {
      if (g.present[i]) return;
      const [x, y] = toImage(g, h.u, h.v);
      const r = h.r;
      for (let py = Math.max(0, Math.floor(y - r)); py <= Math.min(height - 1, Math.ceil(y + r)); py++)
        for (let px = Math.max(0, Math.floor(x - r)); px <= Math.min(width - 1, Math.ceil(x + r)); px++)
          if ((px + 0.5 - x) ** 2 + (py + 0.5 - y) ** 2 <= r * r) mask[py * width + px] = 1;
    });
    opts.mask(mask);
  } else drawDefects(buf, opts.rng, g, defects);
  const data = new Uint8Array(width * height);
  quantize(buf, g.noiseSeed, data);
  const frame: ImageFrame = { width, height, channels: 1, data };
  return opts.channels === 3 ? grayToBgr(frame) : frame;
}
