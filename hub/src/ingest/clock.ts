import type { InspectionResult } from '@sightline/protocol';
import { CLOCK, type ClockFlag } from '../store/index.ts';

/**
 * Device clocks are trusted only within a skew limit. A capture time further ahead of the hub's receive time
 * than the limit is impossible (it would sort first forever), so the result is kept with the receive time and
 * flagged `ahead`. A capture time far behind is normal for a replay or a result the broker held, so it is
 * flagged `behind` only when the agent's clock itself is known to lag: its latest live message (stats, birth,
 * state) carried a time more than the limit behind the hub's.
 */
export function checkClock(
  r: InspectionResult,
  receivedTs: number,
  limitMs: number,
  agentOffsetMs: number | undefined,
): { ts: number; clock: ClockFlag } {
  if (r.ts - receivedTs > limitMs) return { ts: receivedTs, clock: CLOCK.ahead };
  const lagging = agentOffsetMs !== undefined && agentOffsetMs < -limitMs;
  if (lagging && !r.replayed && receivedTs - r.ts > limitMs) return { ts: receivedTs, clock: CLOCK.behind };
  return { ts: r.ts, clock: CLOCK.ok };
}
