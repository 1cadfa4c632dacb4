import { drawBase, quantize } from './base.ts';
import { drawDefects } from './defects.ts';
import { type DefectKind, grayToBgr, type ImageFrame } from './frame.ts';
import { samplePart } from './part.ts';
import type { Rng } from './rng.ts';

export interface RenderOptions {
  rng: Rng;
  width?: number;
  height?: number;
  /** Defects to draw; empty or absent means a good part. */
  defects?: readonly DefectKind[];
  /** 1 = gray (default), 3 = BGR. */
  channels?: 1 | 3;
}

/** Renders one inspected part as a line camera sees it. Pure function of the rng state and options. */
export function renderPart(opts: RenderOptions): ImageFrame {
  const width = opts.width ?? 256;
  const height = opts.height ?? 256;
  const defects = opts.defects ?? [];
  const g = samplePart(opts.rng, width, height, defects.includes('missing-feature'));
  const buf = new Float32Array(width * height);
  drawBase(buf, g);
  drawDefects(buf, opts.rng, g, defects);
  const data = new Uint8Array(width * height);
  quantize(buf, g.noiseSeed, data);
  const frame: ImageFrame = { width, height, channels: 1, data };
  return opts.channels === 3 ? grayToBgr(frame) : frame;
}
