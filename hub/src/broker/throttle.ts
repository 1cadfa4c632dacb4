/** Per-connection publish limits; 0 turns a limit off. */
export interface PublishLimits {
  /** Messages per second a connection may publish on average. */
  messagesPerSecond: number;
  /** Payload bytes per second a connection may publish on average. */
  bytesPerSecond: number;
  /** Seconds of traffic at the full rate a connection may send at once before it is slowed down. */
  burstSeconds: number;
  /** A connection so far ahead of its rate that its messages would wait longer than this is cut off. */
  cutOffSeconds: number;
}

export type ThrottleDecision =
  | { kind: 'now' }
  | { kind: 'wait'; ms: number }
  | { kind: 'cut-off'; aheadMs: number };

/**
 * One connection's rate limit as a generic cell rate algorithm (GCRA, ITU-T I.371): each message advances a
 * theoretical arrival time by its cost; a message that arrives before that time, less the burst allowance, waits
 * the difference. The broker holds the message's callback meanwhile, and aedes reads no more of that socket until
 * it returns, so a flooding client is slowed by TCP back-pressure on its own connection while the others go on.
 */
export function createThrottle(limits: PublishLimits, now: () => number = performance.now.bind(performance)) {
  let tatMessages = 0;
  let tatBytes = 0;
  const burstMs = limits.burstSeconds * 1000;
  return {
    admit(bytes: number): ThrottleDecision {
      const t = now();
      let ahead = 0;
      if (limits.messagesPerSecond > 0) {
        tatMessages = Math.max(tatMessages, t) + 1000 / limits.messagesPerSecond;
        ahead = Math.max(ahead, tatMessages - t);
      }
      if (limits.bytesPerSecond > 0) {
        tatBytes = Math.max(tatBytes, t) + (bytes * 1000) / limits.bytesPerSecond;
        ahead = Math.max(ahead, tatBytes - t);
      }
      if (ahead > burstMs + limits.cutOffSeconds * 1000) return { kind: 'cut-off', aheadMs: ahead };
      return ahead > burstMs ? { kind: 'wait', ms: ahead - burstMs } : { kind: 'now' };
    },
  };
}
export type Throttle = ReturnType<typeof createThrottle>;
