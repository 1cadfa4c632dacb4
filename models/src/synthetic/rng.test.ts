import { describe, expect, it } from 'vitest';
import { createRng, shuffle } from './rng.ts';

describe('createRng (mulberry32)', () => {
  it('matches the reference mulberry32 sequence for seed 1', () => {
    const rng = createRng(1);
    // Reference values from bryc's widely copied JS mulberry32 (github.com/bryc/code, PRNGs.md).
    expect(rng() * 4294967296).toBe(2693262067);
    expect(rng() * 4294967296).toBe(11749833);
    expect(rng() * 4294967296).toBe(2265367787);
  });

  it('gives the same sequence for the same seed and stays in [0, 1)', () => {
    const a = createRng(42);
    const b = createRng(42);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it('shuffles to a permutation', () => {
    const items = shuffle(createRng(3), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...items].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(items).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
