import { describe, expect, it } from 'vitest';
import { nextPollDelay } from './backoff.ts';

describe('nextPollDelay', () => {
  it('polls at the interval while healthy', () => {
    expect(nextPollDelay(2000, 0, 30_000)).toBe(2000);
  });
  it('doubles per consecutive failure up to the cap', () => {
    expect(nextPollDelay(2000, 1, 30_000)).toBe(4000);
    expect(nextPollDelay(2000, 3, 30_000)).toBe(16_000);
    expect(nextPollDelay(2000, 4, 30_000)).toBe(30_000);
    expect(nextPollDelay(2000, 1000, 30_000)).toBe(30_000);
  });
});
