import { describe, expect, it } from 'vitest';
import { decide } from './index.ts';

describe('decide', () => {
  it('splits at the threshold, the threshold itself being a defect', () => {
    const t = { defect: 0.5, uncertainBand: 0 };
    expect(decide(0.49, t)).toBe('ok');
    expect(decide(0.5, t)).toBe('defect');
    expect(decide(0.9, t)).toBe('defect');
  });
  it('marks scores near the threshold uncertain when a band is set', () => {
    const t = { defect: 0.5, uncertainBand: 0.1 };
    expect(decide(0.45, t)).toBe('uncertain');
    expect(decide(0.59, t)).toBe('uncertain');
    expect(decide(0.39, t)).toBe('ok');
    expect(decide(0.61, t)).toBe('defect');
  });
});
