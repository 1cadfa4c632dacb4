import { describe, expect, it } from 'vitest';
import { createRng, normal } from '../synthetic/rng.ts';
import { quantizeBias, quantizeWeights, uint8Params } from './params.ts';

describe('quantisation parameters', () => {
  it('uint8: zero is exact, the range maps onto 0…255', () => {
    expect(uint8Params({ min: -1, max: 3 })).toEqual({ scale: 4 / 255, zeroPoint: 64 });
    expect(uint8Params({ min: 0.5, max: 6 })).toEqual({ scale: 6 / 255, zeroPoint: 0 }); // ReLU6 output
    expect(uint8Params({ min: 0, max: 0 })).toEqual({ scale: 1, zeroPoint: 0 });
  });

  it('pair-safe weights never let two neighbouring products overflow int16, in either Conv order', () => {
    const rng = createRng(9);
    const dims = [8, 16, 3, 3];
    const w = Float32Array.from({ length: 8 * 16 * 9 }, () => normal(rng));
    const { data } = quantizeWeights(w, dims, 0, 'pair-safe');
    const inner = 16 * 9;
    for (let m = 0; m < 8; m++) {
      for (let i = 0; i + 1 < inner; i++) {
        expect(
          Math.abs(data[m * inner + i] as number) + Math.abs(data[m * inner + i + 1] as number),
        ).toBeLessThanOrEqual(128);
        const hwc = (k: number) => (k % 16) * 9 + Math.floor(k / 16);
        expect(
          Math.abs(data[m * inner + hwc(i)] as number) + Math.abs(data[m * inner + hwc(i + 1)] as number),
        ).toBeLessThanOrEqual(128);
      }
    }
  });

  it('pair-safe keeps the full range when the large weight has small neighbours', () => {
    const w = Float32Array.of(0, 0.01, 1, 0.02, 0, -0.5, 0, 0.1);
    expect(quantizeWeights(w, [1, 8], 0, 'pair-safe').data[2]).toBe(125); // round(127 · 1 / 1.02)
    expect(quantizeWeights(w, [1, 8], 0, 'full').data[2]).toBe(127);
  });

  it('per-channel scales along axis 1 for Gemm B [K, N]', () => {
    const w = Float32Array.of(1, 10, -2, 20); // K = 2, N = 2
    const q = quantizeWeights(w, [2, 2], 1, 'full');
    expect([...q.scales].map((s) => s * 127)).toEqual([expect.closeTo(2, 5), expect.closeTo(20, 5)]);
    expect([...q.data]).toEqual([64, 64, -127, 127]);
  });

  it('int32 bias uses the float32 product of input and weight scales', () => {
    const b = quantizeBias(Float32Array.of(1, -1), 0.1, Float32Array.of(0.01, 0.02));
    expect([...b.data]).toEqual([1000, -500]);
    expect(b.scales[0]).toBe(Math.fround(Math.fround(0.1) * Math.fround(0.01)));
  });
});
