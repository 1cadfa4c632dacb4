import { resizePlane } from './resample.ts';

/** How a frame is fitted to the model input (`manifest.input.resize`). */
export type ResizeMode = 'stretch' | 'letterbox';

/** Where the resized image lands inside the W×H input (the rest is padding). */
export interface Placement {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * `stretch` fills the input, ignoring aspect; `letterbox` scales by the smaller ratio (aspect kept) and
 * centres the image.
 */
export function placement(sw: number, sh: number, dw: number, dh: number, mode: ResizeMode): Placement {
  if (mode === 'stretch') return { x: 0, y: 0, w: dw, h: dh };
  const scale = Math.min(dw / sw, dh / sh);
  const w = Math.max(1, Math.min(dw, Math.round(sw * scale)));
  const h = Math.max(1, Math.min(dh, Math.round(sh * scale)));
  return { x: (dw - w) >> 1, y: (dh - h) >> 1, w, h };
}

/**
 * One plane resized into dw×dh. Letterbox padding repeats the image's border pixels: a flat fill would draw
 * a hard edge that per-location heads and anomaly scores read as structure.
 */
export function fitPlane(
  plane: Float32Array,
  sw: number,
  sh: number,
  dw: number,
  dh: number,
  mode: ResizeMode,
): Float32Array {
  const p = placement(sw, sh, dw, dh, mode);
  const r = resizePlane(plane, sw, sh, p.w, p.h);
  if (p.w === dw && p.h === dh) return r;
  const out = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(p.h - 1, Math.max(0, y - p.y)) * p.w;
    for (let x = 0; x < dw; x++) out[y * dw + x] = r[sy + Math.min(p.w - 1, Math.max(0, x - p.x))] as number;
  }
  return out;
}
