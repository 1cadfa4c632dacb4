import { describe, expect, it } from 'vitest';
import { createBackoff } from './backoff.ts';

describe('backoff', () => {
  it('doubles up to the cap, each delay jittered into [d/2, d]', () => {
    const r = [0, 0.999, 0.5, 0, 0, 0];
    const b = createBackoff({ initialMs: 100, maxMs: 1000, random: () => r.shift() ?? 0 });
    expect(b.next()).toBe(100);
    expect(b.next()).toBeCloseTo(200 * (1 - 0.5 * 0.999), 6);
    expect(b.next()).toBe(400 * 0.75);
    expect(b.next()).toBe(800);
    expect(b.next()).toBe(1000);
    expect(b.next()).toBe(1000);
  });

  it('starts over after a reset', () => {
    const b = createBackoff({ initialMs: 50, maxMs: 10_000, jitter: 0 });
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(50);
  });

  it('spreads the same failure over a range, not one instant', () => {
    const delays = Array.from({ length: 200 }, () => createBackoff({ initialMs: 1000, maxMs: 1000 }).next());
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1000);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(200);
  });
});
