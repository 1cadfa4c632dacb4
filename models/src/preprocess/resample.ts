/** Per output index: the source indices it reads and their weights (summing to 1). */
export interface AxisWeights {
  index: Int32Array[];
  weight: Float32Array[];
}

/**
 * Weights for resizing one axis from `src` to `dst` samples.
 * Shrinking: area averaging (each output sample is the mean of the source span it covers, with fractional
 * weights at the ends; OpenCV INTER_AREA). Enlarging or equal: bilinear with half-pixel centres (INTER_LINEAR).
 */
export function axisWeights(src: number, dst: number): AxisWeights {
  const index: Int32Array[] = [];
  const weight: Float32Array[] = [];
  const scale = src / dst;
  for (let i = 0; i < dst; i++) {
    if (dst < src) {
      const start = i * scale;
      const end = (i + 1) * scale;
      const first = Math.floor(start);
      const last = Math.min(src - 1, Math.ceil(end) - 1);
      const idx: number[] = [];
      const w: number[] = [];
      for (let s = first; s <= last; s++) {
        const overlap = Math.min(end, s + 1) - Math.max(start, s);
        if (overlap > 1e-9) {
          idx.push(s);
          w.push(overlap / scale);
        }
      }
      index.push(Int32Array.from(idx));
      weight.push(Float32Array.from(w));
    } else {
      const pos = Math.min(src - 1, Math.max(0, (i + 0.5) * scale - 0.5));
      const s0 = Math.floor(pos);
      const s1 = Math.min(src - 1, s0 + 1);
      const f = pos - s0;
      index.push(Int32Array.from([s0, s1]));
      weight.push(Float32Array.from([1 - f, f]));
    }
  }
  return { index, weight };
}

/** Separable resize of one float plane (rows packed) from sw×sh to dw×dh. */
export function resizePlane(
  plane: Float32Array,
  sw: number,
  sh: number,
  dw: number,
  dh: number,
): Float32Array {
  if (sw === dw && sh === dh) return plane;
  const wx = axisWeights(sw, dw);
  const wy = axisWeights(sh, dh);
  const tmp = new Float32Array(sh * dw);
  for (let y = 0; y < sh; y++) {
    const row = y * sw;
    for (let x = 0; x < dw; x++) {
      const idx = wx.index[x] as Int32Array;
      const w = wx.weight[x] as Float32Array;
      let acc = 0;
      for (let k = 0; k < idx.length; k++)
        acc += (w[k] as number) * (plane[row + (idx[k] as number)] as number);
      tmp[y * dw + x] = acc;
    }
  }
  const out = new Float32Array(dh * dw);
  for (let y = 0; y < dh; y++) {
    const idx = wy.index[y] as Int32Array;
    const w = wy.weight[y] as Float32Array;
    for (let k = 0; k < idx.length; k++) {
      const wk = w[k] as number;
      const src = (idx[k] as number) * dw;
      for (let x = 0; x < dw; x++)
        out[y * dw + x] = (out[y * dw + x] as number) + wk * (tmp[src + x] as number);
    }
  }
  return out;
}
