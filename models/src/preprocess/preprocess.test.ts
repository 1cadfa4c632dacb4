import { describe, expect, it } from 'vitest';
import type { ManifestInput } from '../manifest/schema.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import { preprocessFrame } from './preprocess.ts';

const gray = (w: number, h: number, px: number[]): ImageFrame => ({
  width: w,
  height: h,
  channels: 1,
  data: Uint8Array.from(px),
});
const input = (c: 1 | 3, h: number, w: number, over: Partial<ManifestInput> = {}): ManifestInput => ({
  name: 'x',
  shape: [1, c, h, w],
  layout: 'NCHW',
  colour: c === 1 ? 'gray' : 'bgr',
  resize: 'stretch',
  mean: c === 1 ? [0] : [0, 0, 0],
  std: c === 1 ? [1] : [1, 1, 1],
  ...over,
});
const close = (actual: Float32Array, expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  for (const [i, e] of expected.entries()) expect(actual[i]).toBeCloseTo(e, 5);
};

describe('preprocessFrame', () => {
  it('scales to [0, 1] then applies (x − mean) / std', () => {
    close(
      preprocessFrame(gray(2, 2, [0, 255, 51, 102]), input(1, 2, 2, { mean: [0.5], std: [0.25] })),
      [-2, 2, -1.2, -0.4],
    );
  });

  it('shrinks by area averaging: 2×2 → 1×1 is the mean', () => {
    close(preprocessFrame(gray(2, 2, [0, 255, 51, 102]), input(1, 1, 1)), [102 / 255]);
  });

  it('uses fractional area weights for non-integer shrink factors (3 → 2)', () => {
    // out0 covers source [0, 1.5): (0 + 90·½)/1.5 = 30; out1 covers [1.5, 3): (90·½ + 180)/1.5 = 150.
    close(preprocessFrame(gray(3, 1, [0, 90, 180]), input(1, 1, 2)), [30 / 255, 150 / 255]);
  });

  it('enlarges bilinearly with half-pixel centres (2 → 4)', () => {
    close(preprocessFrame(gray(2, 1, [0, 100]), input(1, 1, 4)), [0, 25 / 255, 75 / 255, 100 / 255]);
  });

  it('converts BGR to gray with BT.601 weights (OpenCV COLOR_BGR2GRAY)', () => {
    const bgr: ImageFrame = {
      width: 3,
      height: 1,
      channels: 3,
      data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255]),
    };
    close(preprocessFrame(bgr, input(1, 1, 3)), [0.114, 0.587, 0.299]);
  });

  it('keeps BGR order for a bgr model and swaps for an rgb model, planar NCHW', () => {
    const bgr: ImageFrame = { width: 1, height: 1, channels: 3, data: Uint8Array.from([10, 20, 30]) };
    close(preprocessFrame(bgr, input(3, 1, 1)), [10 / 255, 20 / 255, 30 / 255]);
    close(preprocessFrame(bgr, input(3, 1, 1, { colour: 'rgb' })), [30 / 255, 20 / 255, 10 / 255]);
    const g = gray(2, 1, [0, 255]);
    close(
      preprocessFrame(g, input(3, 1, 2, { mean: [0, 0.5, 1], std: [1, 1, 0.5] })),
      [0, 1, -0.5, 0.5, -2, 0],
    );
  });

  it('rejects a frame whose data is too short', () => {
    expect(() =>
      preprocessFrame({ width: 4, height: 4, channels: 1, data: new Uint8Array(3) }, input(1, 2, 2)),
    ).toThrow(/needs 16 bytes, got 3/);
  });

  it('letterboxes: aspect kept, image centred, border pixels repeated into the margin', () => {
    // 4×2 → 4×4: scale 1, the two rows land in rows 1–2; row 0 repeats row 1, row 3 repeats row 2.
    const f = gray(4, 2, [0, 51, 102, 153, 204, 255, 0, 51]);
    const out = preprocessFrame(f, input(1, 4, 4, { resize: 'letterbox', std: [1 / 255] }));
    expect(Array.from(out, (v) => Math.round(v))).toEqual([
      0, 51, 102, 153, 0, 51, 102, 153, 204, 255, 0, 51, 204, 255, 0, 51,
    ]);
    // Stretch would scale the rows instead: row 0 is row 0 of the source, row 3 row 1.
    const s = preprocessFrame(f, input(1, 4, 4, { std: [1 / 255] }));
    expect(Math.round(s[0] as number)).toBe(0);
    expect(Math.round(s[12] as number)).toBe(204);
  });
});
