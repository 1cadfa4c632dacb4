/** Delays for retrying after failures: exponential, capped, with jitter. */
export interface Backoff {
  /** The delay before the next attempt (ms); each call after a failure grows it. */
  next(): number;
  /** Back to the initial delay (after a success). */
  reset(): void;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Growth per failure. */
  factor?: number;
  /** Share of each delay that is random: 0.5 gives delays in [d/2, d]. Spreads a fleet's retries apart. */
  jitter?: number;
  random?: () => number;
}

/**
 * "Equal jitter" (AWS Architecture Blog, Exponential Backoff and Jitter): after n failures the delay
 * is d·(1 − jitter·r) with d = min(max, initial·factorⁿ) and r uniform in [0, 1), so agents that lost
 * the same broker at the same moment do not come back in lockstep.
 */
export function createBackoff(opts: BackoffOptions): Backoff {
  const factor = opts.factor ?? 2;
  const jitter = opts.jitter ?? 0.5;
  const random = opts.random ?? Math.random;
  let failures = 0;
  return {
    next() {
      const d = Math.min(opts.maxMs, opts.initialMs * factor ** failures);
      failures += 1;
      return d * (1 - jitter * random());
    },
    reset() {
      failures = 0;
    },
  };
}
