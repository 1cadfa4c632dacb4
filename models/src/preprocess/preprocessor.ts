import type { ManifestInput } from '../manifest/schema.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import { axisWeights } from './resample.ts';

/**
 * A frame to the model's input tensor: the same numbers as `preprocessFrame`, bit for bit. Pass `out`
 * (of the tensor's size) to have it filled instead of a new array allocated.
 */
export type Preprocessor = (frame: ImageFrame, out?: Float32Array) => Float32Array;

/** One axis's resize taps, flattened: output i reads `index[start[i]..start[i+1])` with `weight`. */
interface Taps {
  start: Int32Array;
  index: Int32Array;
  weight: Float32Array;
}

function flatTaps(src: number, dst: number): Taps {
  const { index, weight } = axisWeights(src, dst);
  const start = new Int32Array(dst + 1);
  for (let i = 0; i < dst; i++) start[i + 1] = (start[i] as number) + (index[i] as Int32Array).length;
  const flatIndex = new Int32Array(start[dst] as number);
  const flatWeight = new Float32Array(start[dst] as number);
  for (let i = 0; i < dst; i++) {
    flatIndex.set(index[i] as Int32Array, start[i]);
    flatWeight.set(weight[i] as Float32Array, start[i]);
  }
  return { start, index: flatIndex, weight: flatWeight };
}

/** Resizing plan for one frame size: taps per axis and scratch planes, reused frame after frame. */
interface Plan {
  sw: number;
  sh: number;
  x: Taps;
  y: Taps;
  plane: Float32Array;
  tmp: Float32Array;
  resized: Float32Array;
}

const LUMA_B = 0.114;
const LUMA_G = 0.587;
const LUMA_R = 0.299;

/**
 * `preprocessFrame` for a stream of frames: the resize taps are computed once per frame size, scratch
 * planes are reused, and a plane shared by several model channels (a grey camera feeding an RGB model)
 * is resized once. Every arithmetic step and its float32 rounding is the one `preprocessFrame` and
 * `resizePlane` do, in the same order, so the tensors are identical (preprocessor.test.ts holds it).
 */
export function createPreprocessor(input: ManifestInput): Preprocessor {
  const [, c, h, w] = input.shape;
  let plan: Plan | undefined;
  const planFor = (sw: number, sh: number): Plan => {
    if (plan?.sw === sw && plan.sh === sh) return plan;
    plan = {
      sw,
      sh,
      x: flatTaps(sw, w),
      y: flatTaps(sh, h),
      plane: new Float32Array(sw * sh),
      tmp: new Float32Array(sh * w),
      resized: new Float32Array(h * w),
    };
    return plan;
  };

  /** Fills plan.plane with source channel `src` (0-2 of BGR, or -1 for BT.601 grey). */
  const fillPlane = (p: Plan, frame: ImageFrame, src: number) => {
    const d = frame.data;
    const n = p.sw * p.sh;
    if (frame.channels === 1) for (let i = 0; i < n; i++) p.plane[i] = d[i] as number;
    else if (src < 0) {
      for (let i = 0; i < n; i++)
        p.plane[i] =
          LUMA_B * (d[3 * i] as number) +
          LUMA_G * (d[3 * i + 1] as number) +
          LUMA_R * (d[3 * i + 2] as number);
    } else for (let i = 0; i < n; i++) p.plane[i] = d[3 * i + src] as number;
  };

  /** resizePlane(plan.plane) into plan.resized (or the plane itself when no resize is needed). */
  const resize = (p: Plan): Float32Array => {
    if (p.sw === w && p.sh === h) return p.plane;
    const { plane, tmp, resized, sw, sh } = p;
    // The taps in locals: read once per frame, not once per pixel through the plan.
    const xs = p.x.start;
    const xi = p.x.index;
    const xw = p.x.weight;
    for (let row = 0; row < sh; row++) {
      const base = row * sw;
      const line = row * w;
      for (let ox = 0; ox < w; ox++) {
        let acc = 0;
        const end = xs[ox + 1] as number;
        for (let k = xs[ox] as number; k < end; k++)
          acc += (xw[k] as number) * (plane[base + (xi[k] as number)] as number);
        tmp[line + ox] = acc;
      }
    }
    resized.fill(0);
    const ys = p.y.start;
    const yi = p.y.index;
    const yw = p.y.weight;
    for (let oy = 0; oy < h; oy++) {
      const out = oy * w;
      const end = ys[oy + 1] as number;
      for (let k = ys[oy] as number; k < end; k++) {
        const wk = yw[k] as number;
        const src = (yi[k] as number) * w;
        for (let ox = 0; ox < w; ox++)
          resized[out + ox] = (resized[out + ox] as number) + wk * (tmp[src + ox] as number);
      }
    }
    return resized;
  };

  // Source channel per model channel: frames are BGR; an 'rgb' model wants channel 0 = R.
  const sources = (channels: 1 | 3): number[] => {
    if (channels === 1) return new Array(c).fill(0);
    if (input.colour === 'gray') return new Array(c).fill(-1);
    return input.colour === 'bgr' ? [0, 1, 2] : [2, 1, 0];
  };

  return (frame, into) => {
    const expected = frame.width * frame.height * frame.channels;
    if (frame.data.length < expected) {
      throw new RangeError(
        `preprocessFrame: frame ${frame.width}×${frame.height}×${frame.channels} needs ${expected} bytes, got ${frame.data.length}`,
      );
    }
    const p = planFor(frame.width, frame.height);
    const src = sources(frame.channels);
    const out = into?.length === c * h * w ? into : new Float32Array(c * h * w);
    let resizedSrc: number | undefined;
    let resized = p.resized;
    const size = h * w;
    for (let ch = 0; ch < c; ch++) {
      const s = src[ch] as number;
      const mean = input.mean[ch] ?? 0;
      const std = input.std[ch] ?? 1;
      const offset = ch * size;
      // A grey camera feeding an RGB model: the same plane and normalisation as the channel before,
      // so the same numbers — copied, not computed again.
      if (
        ch > 0 &&
        s === resizedSrc &&
        mean === (input.mean[ch - 1] ?? 0) &&
        std === (input.std[ch - 1] ?? 1)
      ) {
        out.copyWithin(offset, offset - size, offset);
        continue;
      }
      if (s !== resizedSrc) {
        fillPlane(p, frame, s);
        resized = resize(p);
        resizedSrc = s;
      }
      const scale = 1 / (255 * std);
      const shift = 255 * mean;
      for (let i = 0; i < size; i++) out[offset + i] = ((resized[i] as number) - shift) * scale;
    }
    return out;
  };
}
