import { placement, type ResizeMode } from '../preprocess/letterbox.ts';
import type { DefectMask } from './mask.ts';

/** The model input a mask is mapped into: W×H, fitted like the frames (`manifest.input.resize`), cells of `stride`. */
export interface CellGrid {
  width: number;
  height: number;
  resize: ResizeMode;
  stride: number;
}

/**
 * Share of each cell of the input grid (row major, (H/stride)·(W/stride)) that the mask covers; NaN for cells
 * the image does not reach (letterbox margin), so they are neither defect nor good. The mask is placed where
 * `preprocessFrame` puts the image, whatever the mask's own resolution. `flipX`/`flipY` mirror the mask first,
 * as `augment` mirrors the frame.
 */
export function cellCoverage(
  mask: DefectMask,
  grid: CellGrid,
  flip: { flipX?: boolean; flipY?: boolean } = {},
): Float32Array {
  const gw = Math.floor(grid.width / grid.stride);
  const gh = Math.floor(grid.height / grid.stride);
  const p = placement(mask.width, mask.height, grid.width, grid.height, grid.resize);
  const hit = new Float32Array(gh * gw);
  const count = new Float32Array(gh * gw);
  const col = new Int32Array(mask.width);
  for (let x = 0; x < mask.width; x++) {
    col[x] = Math.min(gw - 1, Math.floor((p.x + (x * p.w) / mask.width) / grid.stride));
  }
  for (let y = 0; y < mask.height; y++) {
    const fy = flip.flipY ? mask.height - 1 - y : y;
    const cy = Math.min(gh - 1, Math.floor((p.y + (fy * p.h) / mask.height) / grid.stride));
    const row = y * mask.width;
    for (let x = 0; x < mask.width; x++) {
      const k = cy * gw + (col[flip.flipX ? mask.width - 1 - x : x] as number);
      count[k] = (count[k] as number) + 1;
      if (mask.data[row + x]) hit[k] = (hit[k] as number) + 1;
    }
  }
  for (let k = 0; k < hit.length; k++)
    hit[k] = count[k] ? (hit[k] as number) / (count[k] as number) : Number.NaN;
  return hit;
}
