import { describe, expect, it } from 'vitest';
import { wilson } from './wilson.ts';

describe('wilson (95 %)', () => {
  it('x=5, n=100 gives [0.0215, 0.1118]', () => {
    // p=0.05, z²=3.8416: centre=0.05+0.019208=0.069208, half=1.96·√(0.000475+0.00009604)=0.046834,
    // denom=1.038416 → [0.022374/1.038416, 0.116042/1.038416] = [0.02155, 0.11175]
    const [lo, hi] = wilson(5, 100);
    expect(lo).toBeCloseTo(0.0215, 4);
    expect(hi).toBeCloseTo(0.1118, 4);
  });

  it('x=0 has lower bound 0 and upper bound (z²/n)/(1+z²/n)', () => {
    const [lo, hi] = wilson(0, 10);
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(0.38416 / 1.38416, 10); // 0.27754
  });

  it('x=n mirrors x=0', () => {
    const [lo, hi] = wilson(10, 10);
    expect(lo).toBeCloseTo(1 - 0.38416 / 1.38416, 10);
    expect(hi).toBe(1);
  });

  it('is symmetric about 1/2 for x=1, n=2', () => {
    // centre=0.5+0.9604=1.4604, half=1.96·√(0.125+0.2401)=1.184216..., denom=2.9208
    const [lo, hi] = wilson(1, 2);
    expect(lo).toBeCloseTo(0.09453, 5);
    expect(hi).toBeCloseTo(0.90547, 5);
    expect(lo + hi).toBeCloseTo(1, 12);
  });

  it('x=50, n=1000 gives [0.0381, 0.0653]', () => {
    const [lo, hi] = wilson(50, 1000);
    expect(lo).toBeCloseTo(0.0381, 4);
    expect(hi).toBeCloseTo(0.0653, 4);
  });

  it('n=0 knows nothing: [0, 1]', () => {
    expect(wilson(0, 0)).toEqual([0, 1]);
  });

  it('rejects impossible counts', () => {
    expect(() => wilson(3, 2)).toThrow(RangeError);
    expect(() => wilson(-1, 2)).toThrow(RangeError);
  });
});
