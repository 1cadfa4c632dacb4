/**
 * Delay before the next poll: the interval while things work, doubling per consecutive
 * failure (so a down hub is not hammered), capped at `maxMs`.
 */
export function nextPollDelay(intervalMs: number, failures: number, maxMs: number): number {
  if (failures <= 0) return intervalMs;
  return Math.min(maxMs, intervalMs * 2 ** Math.min(failures, 16));
}
