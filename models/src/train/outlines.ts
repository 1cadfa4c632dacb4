import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ModelsError } from '../errors.ts';

/**
 * Defect outlines: polygons in normalised image coordinates (x, y in 0..1), as YOLO segmentation label files
 * hold them (`class x1 y1 x2 y2 …` per line). A labelled defect image `…/defect/NAME.jpg` has its outlines in
 * `…/labels/NAME.txt` (the layout Ultralytics exports and `../shared/datasets/kolektorsdd` uses).
 */
export type Outline = Float64Array;

/** Parses a YOLO segmentation label file; `where` names it in errors. Box lines (5 numbers) become rectangles. */
export function parseOutlines(text: string, where: string): Outline[] {
  const out: Outline[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const v = line.split(/\s+/).slice(1).map(Number);
    const bad = v.findIndex((x) => !Number.isFinite(x) || x < -0.01 || x > 1.01);
    if (bad >= 0 || v.length < 4 || v.length % 2 !== 0) {
      throw new ModelsError(
        'SL_DATASET_INVALID',
        `${where}:${i + 1}: expected "class x1 y1 x2 y2 …" (a polygon) or "class cx cy w h" (a box) with coordinates in 0..1`,
      );
    }
    if (v.length === 4) {
      const [cx, cy, w, h] = v as [number, number, number, number];
      const [x0, x1, y0, y1] = [cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2];
      out.push(Float64Array.of(x0, y0, x1, y0, x1, y1, x0, y1));
    } else out.push(Float64Array.from(v));
  });
  return out;
}

/** The label file of an image in `…/defect/`, if there is one. */
export function outlinePath(imagePath: string): string {
  const stem = basename(imagePath).replace(/\.[^.]+$/, '');
  return join(dirname(dirname(imagePath)), 'labels', `${stem}.txt`);
}

export async function readOutlines(imagePath: string): Promise<Outline[] | null> {
  const path = outlinePath(imagePath);
  const text = await readFile(path, 'utf8').catch(() => null);
  return text === null ? null : parseOutlines(text, path);
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

/**
 * Share of each cell of a `gh × gw` grid over the image that the outlines cover (8×8 samples per cell), row
 * major. `flipX`/`flipY` mirror the image first, as `augment` does.
 */
export function cellCoverage(
  outlines: readonly Outline[],
  gh: number,
  gw: number,
  flip: { flipX?: boolean; flipY?: boolean } = {},
): Float32Array {
  const S = 8;
  const out = new Float32Array(gh * gw);
  if (outlines.length === 0) return out;
  for (let cy = 0; cy < gh; cy++) {
    for (let cx = 0; cx < gw; cx++) {
      let hit = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          let x = (cx + (sx + 0.5) / S) / gw;
          let y = (cy + (sy + 0.5) / S) / gh;
          if (flip.flipX) x = 1 - x;
          if (flip.flipY) y = 1 - y;
          if (outlines.some((p) => inside(p, x, y))) hit++;
        }
      }
      out[cy * gw + cx] = hit / (S * S);
    }
  }
  return out;
}

/** A per-pixel defect mask (1 = defect), e.g. from the synthetic renderer. */
export interface DefectMask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Like `cellCoverage`, from a pixel mask: the share of each cell's pixels that are set. */
export function maskCoverage(
  mask: DefectMask,
  gh: number,
  gw: number,
  flip: { flipX?: boolean; flipY?: boolean } = {},
): Float32Array {
  const out = new Float32Array(gh * gw);
  const count = new Float32Array(gh * gw);
  for (let y = 0; y < mask.height; y++) {
    const fy = flip.flipY ? mask.height - 1 - y : y;
    const cy = Math.min(gh - 1, Math.floor((fy * gh) / mask.height));
    for (let x = 0; x < mask.width; x++) {
      const fx = flip.flipX ? mask.width - 1 - x : x;
      const k = cy * gw + Math.min(gw - 1, Math.floor((fx * gw) / mask.width));
      count[k] = (count[k] as number) + 1;
      if (mask.data[y * mask.width + x]) out[k] = (out[k] as number) + 1;
    }
  }
  for (let k = 0; k < out.length; k++) out[k] = (out[k] as number) / Math.max(1, count[k] as number);
  return out;
}
