import type { TensorRange } from './calibrate.ts';

export interface ActivationParams {
  scale: number;
  zeroPoint: number;
}

/** uint8 asymmetric: [min(0, lo), max(0, hi)] ↦ [0, 255], so 0 is exact (padding, ReLU). */
export function uint8Params(r: TensorRange): ActivationParams {
  const lo = Math.min(0, r.min);
  const hi = Math.max(0, r.max);
  if (!(hi > lo) || !Number.isFinite(hi - lo)) return { scale: 1, zeroPoint: 0 };
  const scale = (hi - lo) / 255;
  return { scale, zeroPoint: Math.max(0, Math.min(255, Math.round(-lo / scale))) };
}

export function quantizeUint8(values: Float32Array, p: ActivationParams): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = Math.max(0, Math.min(255, Math.round((values[i] as number) / p.scale + p.zeroPoint)));
  }
  return out;
}

export interface WeightQuant {
  data: Int8Array;
  /** One scale per channel along `axis` (per-channel), or one value (per-tensor). */
  scales: Float32Array;
}

/**
 * Per-channel largest |w_a| + |w_b| over neighbours a, b in the reduction order of the int8 GEMM: the weight's
 * own memory order and, for 4-D Conv weights, (kh, kw, c) as well (ORT's NHWC im2col order). For axis 1
 * (Gemm B [K, N]) neighbours run down a column.
 */
function pairSums(values: Float32Array, dims: readonly number[], axis: number | undefined): Float64Array {
  if (axis === 1 && dims.length === 2) {
    const [k, n] = dims as [number, number];
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i + 1 < k; i++) {
        out[j] = Math.max(
          out[j] as number,
          Math.abs(values[i * n + j] as number) + Math.abs(values[(i + 1) * n + j] as number),
        );
      }
    }
    return out;
  }
  if (axis === undefined && dims.length === 2) {
    // Per-tensor [K, N] (MatMul B) or [N, K] (Gemm transB): take both directions, whichever is the reduction.
    const cols = pairSums(values, dims, 1);
    const rows = pairSums(values, [values.length], 0);
    return Float64Array.of(Math.max(...cols, ...rows));
  }
  const channels = axis === undefined ? 1 : (dims[0] as number);
  const inner = values.length / channels;
  const out = new Float64Array(channels);
  const [, c = 1, kh = 1, kw = 1] = dims.length === 4 ? dims : [];
  const hwc = (i: number) => {
    // i-th element in (kh, kw, c) order → its index in (c, kh, kw) memory order
    const ch = i % c;
    const pos = Math.floor(i / c);
    return ch * kh * kw + pos;
  };
  for (let m = 0; m < channels; m++) {
    const base = m * inner;
    let best = 0;
    for (let i = 0; i + 1 < inner; i++) {
      best = Math.max(best, Math.abs(values[base + i] as number) + Math.abs(values[base + i + 1] as number));
      if (dims.length === 4 && c > 1) {
        best = Math.max(
          best,
          Math.abs(values[base + hwc(i)] as number) + Math.abs(values[base + hwc(i + 1)] as number),
        );
      }
    }
    out[m] = best;
  }
  return out;
}

/**
 * Symmetric int8 (zero point 0), per channel along `axis` (0, or 1 for Gemm B [K, N]) or per tensor.
 * `full`: scale = max|w| / 127. `pair-safe`: scale = max over neighbouring weights of (|w_a| + |w_b|) / 127, so
 * |q_a| + |q_b| ≤ 128. On x86 without VNNI, ORT's u8×s8 GEMM adds neighbouring products in int16 (VPMADDUBSW);
 * 255·128 = 32640 stays below 32767, while a channel whose large weights sit apart keeps nearly 8 bits.
 */
export function quantizeWeights(
  values: Float32Array,
  dims: readonly number[],
  axis: number | undefined,
  range: 'full' | 'pair-safe' = 'full',
): WeightQuant {
  const channels = axis === undefined ? 1 : (dims[axis] as number);
  const stride = axis === undefined ? values.length : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => (axis === undefined ? 0 : Math.floor(i / stride) % channels);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c] as number, Math.abs(values[i] as number));
  }
  const pairs = range === 'pair-safe' ? pairSums(values, dims, axis) : undefined;
  const scales = Float32Array.from(maxAbs, (m, c) => {
    const s = Math.max(m, pairs ? (axis === undefined ? Math.max(...pairs) : (pairs[c] as number)) : 0) / 127;
    return s > 0 ? s : 1;
  });
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = Math.round((values[i] as number) / (scales[channelOf(i)] as number));
    data[i] = Math.max(-127, Math.min(127, q));
  }
  return { data, scales };
}

/** int32 bias with scale inputScale · weightScale[c], as QLinearConv / QGemm expect. */
export function quantizeBias(
  bias: Float32Array,
  inputScale: number,
  weightScales: Float32Array,
): { data: Int32Array; scales: Float32Array } {
  const scales = new Float32Array(bias.length);
  const data = new Int32Array(bias.length);
  for (let c = 0; c < bias.length; c++) {
    const w = weightScales.length === 1 ? (weightScales[0] as number) : (weightScales[c] as number);
    const s = Math.fround(Math.fround(inputScale) * w); // the float32 product ORT assumes
    scales[c] = s;
    data[c] = Math.max(-2147483647, Math.min(2147483647, Math.round((bias[c] as number) / s)));
  }
  return { data, scales };
}
