import type { ManifestInput } from '../manifest/schema.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import { fitPlane } from './letterbox.ts';

/** ITU-R BT.601 luma weights, as OpenCV's COLOR_BGR2GRAY. */
const LUMA_B = 0.114;
const LUMA_G = 0.587;
const LUMA_R = 0.299;

/** Source planes (0–255 floats) in the channel order the model wants. */
function planes(frame: ImageFrame, colour: ManifestInput['colour']): Float32Array[] {
  const n = frame.width * frame.height;
  const d = frame.data;
  if (frame.channels === 1) {
    const g = Float32Array.from(d.subarray(0, n));
    return colour === 'gray' ? [g] : [g, g, g];
  }
  if (colour === 'gray') {
    const g = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      g[i] =
        LUMA_B * (d[3 * i] as number) + LUMA_G * (d[3 * i + 1] as number) + LUMA_R * (d[3 * i + 2] as number);
    }
    return [g];
  }
  // Frames are BGR; an 'rgb' model wants channel 0 = R.
  const order = colour === 'bgr' ? [0, 1, 2] : [2, 1, 0];
  return order.map((src) => {
    const plane = new Float32Array(n);
    for (let i = 0; i < n; i++) plane[i] = d[3 * i + src] as number;
    return plane;
  });
}

/**
 * Turns a camera frame into the model's NCHW float32 input: colour conversion (BGR→gray by BT.601 luma),
 * resize to H×W (area averaging when shrinking, bilinear when enlarging) by stretching or, with
 * `resize: letterbox`, keeping the aspect and repeating the border pixels into the margin; scale to [0, 1],
 * then (x − mean[c]) / std[c]. Training and the agent both call this, so they cannot disagree.
 */
export function preprocessFrame(frame: ImageFrame, input: ManifestInput): Float32Array {
  const [, c, h, w] = input.shape;
  const expected = frame.width * frame.height * frame.channels;
  if (frame.data.length < expected) {
    throw new RangeError(
      `preprocessFrame: frame ${frame.width}×${frame.height}×${frame.channels} needs ${expected} bytes, got ${frame.data.length}`,
    );
  }
  const src = planes(frame, input.colour);
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) {
    const resized = fitPlane(src[ch] as Float32Array, frame.width, frame.height, w, h, input.resize);
    const mean = input.mean[ch] ?? 0;
    const scale = 1 / (255 * (input.std[ch] ?? 1));
    const offset = ch * h * w;
    for (let i = 0; i < h * w; i++) out[offset + i] = ((resized[i] as number) - 255 * mean) * scale;
  }
  return out;
}
