import { setTimeout as delay } from 'node:timers/promises';

/**
 * Paces reads to `fps` (0 = no pacing). A slow reader does not build a backlog of due frames. The clock is
 * monotonic: a wall clock stepped back an hour must not hold capture for an hour.
 */
export function createPacer(fps: number, now: () => number = () => performance.now()) {
  const periodMs = fps > 0 ? 1000 / fps : 0;
  let nextDue: number | undefined;
  return {
    async wait(): Promise<void> {
      if (periodMs === 0) return;
      nextDue ??= now();
      const wait = nextDue - now();
      if (wait > 0) await delay(wait);
      nextDue = Math.max(nextDue + periodMs, now());
    },
  };
}
