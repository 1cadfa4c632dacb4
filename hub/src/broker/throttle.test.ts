import { describe, expect, it } from 'vitest';
import { createThrottle } from './throttle.ts';

const limits = { messagesPerSecond: 100, bytesPerSecond: 10_000, burstSeconds: 1, cutOffSeconds: 5 };

describe('publish throttle (GCRA)', () => {
  it('lets a burst through, then spaces messages at the rate', () => {
    let t = 1000;
    const throttle = createThrottle(limits, () => t);
    // 1 s of burst at 100/s: the first 100 pass at once (the 100th lands exactly on the allowance).
    for (let i = 0; i < 100; i++) expect(throttle.admit(10).kind).toBe('now');
    expect(throttle.admit(10)).toEqual({ kind: 'wait', ms: 10 });
    expect(throttle.admit(10)).toEqual({ kind: 'wait', ms: 20 });
    t += 1000; // a quiet second pays the debt back
    expect(throttle.admit(10).kind).toBe('now');
  });

  it('limits bytes as well as messages', () => {
    const t = 0;
    const throttle = createThrottle(limits, () => t);
    expect(throttle.admit(10_000).kind).toBe('now'); // 1 s worth of bytes: the burst
    expect(throttle.admit(5_000)).toEqual({ kind: 'wait', ms: 500 });
  });

  it('cuts off a client that keeps pushing far past its rate', () => {
    const t = 0;
    const throttle = createThrottle(limits, () => t);
    const decisions = Array.from({ length: 700 }, () => throttle.admit(1).kind);
    expect(decisions.indexOf('wait')).toBe(100);
    expect(decisions.indexOf('cut-off')).toBe(600); // 1 s burst + 5 s of waiting at 100/s
  });

  it('0 turns a limit off', () => {
    const throttle = createThrottle({ ...limits, messagesPerSecond: 0, bytesPerSecond: 0 }, () => 0);
    for (let i = 0; i < 10_000; i++) expect(throttle.admit(1_000_000).kind).toBe('now');
  });
});
