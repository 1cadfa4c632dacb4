import { readFile } from 'node:fs/promises';
import { decodeImage } from '../images/decode.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import type { MaskSource } from './find.ts';
import { type Outline, parseOutlines } from './outlines.ts';

/** A per-pixel defect mask (1 = defect) at its own resolution; it covers the whole image whatever its size. */
export interface DefectMask {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * A mask image → binary mask. Anti-aliased edges are thresholded at half the mask's brightest value (128 for
 * 0/255 masks); masks stored as 0/1 keep their ones. Colour masks use their brightest channel.
 */
export function maskFromFrame(frame: ImageFrame): DefectMask {
  const n = frame.width * frame.height;
  const level = new Uint8Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    let v = frame.data[i * frame.channels] as number;
    for (let k = 1; k < frame.channels; k++) v = Math.max(v, frame.data[i * frame.channels + k] as number);
    level[i] = v;
    if (v > max) max = v;
  }
  const cut = Math.max(1, Math.ceil(max / 2));
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = (level[i] as number) >= cut && max > 0 ? 1 : 0;
  return { width: frame.width, height: frame.height, data };
}

function inside(p: Outline, x: number, y: number): boolean {
  let c = false;
  const n = p.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = p[2 * i] as number;
    const yi = p[2 * i + 1] as number;
    const xj = p[2 * j] as number;
    const yj = p[2 * j + 1] as number;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

/** Normalised polygons (YOLO outlines) drawn into a width×height mask (pixel centres inside a polygon). */
export function rasterizeOutlines(outlines: readonly Outline[], width: number, height: number): DefectMask {
  const data = new Uint8Array(width * height);
  for (const p of outlines) {
    let [x0, y0, x1, y1] = [1, 1, 0, 0];
    for (let i = 0; i < p.length; i += 2) {
      x0 = Math.min(x0, p[i] as number);
      x1 = Math.max(x1, p[i] as number);
      y0 = Math.min(y0, p[i + 1] as number);
      y1 = Math.max(y1, p[i + 1] as number);
    }
    const [ya, yb] = [Math.max(0, Math.floor(y0 * height)), Math.min(height - 1, Math.ceil(y1 * height))];
    const [xa, xb] = [Math.max(0, Math.floor(x0 * width)), Math.min(width - 1, Math.ceil(x1 * width))];
    for (let y = ya; y <= yb; y++)
      for (let x = xa; x <= xb; x++)
        if (inside(p, (x + 0.5) / width, (y + 0.5) / height)) data[y * width + x] = 1;
  }
  return { width, height, data };
}

export function maskArea(mask: DefectMask): number {
  let n = 0;
  for (const v of mask.data) n += v;
  return n;
}

/** Reads a mask file or an outline file; outlines are drawn at the image's size. */
export async function readMask(
  source: MaskSource,
  image: { width: number; height: number },
): Promise<DefectMask> {
  if (source.kind === 'outlines') {
    const outlines = parseOutlines(await readFile(source.path, 'utf8'), source.path);
    return rasterizeOutlines(outlines, image.width, image.height);
  }
  return maskFromFrame(decodeImage(new Uint8Array(await readFile(source.path)), source.path));
}
