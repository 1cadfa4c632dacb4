import { describe, expect, it } from 'vitest';
import { makeResult } from '../store/fixtures.ts';
import { checkClock } from './clock.ts';

const now = 1_700_000_000_000;
const limit = 600_000;

describe('checkClock', () => {
  it('keeps a capture time within the limit', () => {
    expect(checkClock(makeResult(1, { ts: now - 5000 }), now, limit, 0)).toEqual({
      ts: now - 5000,
      clock: 0,
    });
  });

  it('replaces a time a year ahead with the receive time and flags it', () => {
    expect(checkClock(makeResult(1, { ts: now + 365 * 86_400_000 }), now, limit, undefined)).toEqual({
      ts: now,
      clock: 1,
    });
  });

  it('flags a time behind only when the agent clock is known to lag, and never a replay', () => {
    const old = makeResult(1, { ts: now - 2 * 3_600_000 });
    expect(checkClock(old, now, limit, 0).clock).toBe(0); // held by the broker: the device clock is fine
    expect(checkClock(old, now, limit, -2 * 3_600_000)).toEqual({ ts: now, clock: 2 });
    expect(checkClock({ ...old, replayed: true }, now, limit, -2 * 3_600_000).clock).toBe(0);
  });
});
