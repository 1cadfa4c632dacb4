import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.ts';

describe('HTTP rate limiter', () => {
  it('allows a burst, then the rate, per key', () => {
    let t = 0;
    const limiter = createRateLimiter({ perSecond: 2, burst: 3, now: () => t });
    expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterS: 1 });
    expect(limiter.take('b').ok).toBe(true); // another token is not slowed
    t += 500; // one request's worth back
    expect([limiter.take('a').ok, limiter.take('a').ok]).toEqual([true, false]);
  });

  it('forgets the least recently used key when full', () => {
    const limiter = createRateLimiter({ perSecond: 1, burst: 1, maxKeys: 2, now: () => 0 });
    limiter.take('a');
    limiter.take('b');
    limiter.take('c'); // a forgotten: it starts with a full bucket again
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('c').ok).toBe(false);
  });
});
