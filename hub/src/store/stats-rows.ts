import type { Stats } from '@sightline/protocol';

/** Longest interval one stats message may account for; longer gaps mean the agent was away. */
export const MAX_STATS_INTERVAL_MS = 60_000;

export interface StatsIncrement {
  frames_captured: number;
  frames_inspected: number;
  frames_dropped: number;
  /** How long the agent was running during the interval this message covers. */
  run_ms: number;
}

/**
 * What one stats message adds to its minute. Agents report rates over their last interval (fps.in, processed)
 * and a running total of dropped frames, so frames = rate × interval, with the interval taken from the previous
 * stats of the agent, bounded by the agent's uptime (a restart) and MAX_STATS_INTERVAL_MS (an absence).
 */
export function statsIncrement(stats: Stats, previous: Stats | undefined): StatsIncrement {
  const sincePrevious = previous && previous.ts < stats.ts ? stats.ts - previous.ts : MAX_STATS_INTERVAL_MS;
  const intervalMs = Math.max(0, Math.min(sincePrevious, stats.uptime_s * 1000, MAX_STATS_INTERVAL_MS));
  const seconds = intervalMs / 1000;
  // A lower running total than before means the agent restarted: its total so far is all new.
  const dropped =
    previous && stats.dropped >= previous.dropped && stats.uptime_s >= previous.uptime_s
      ? stats.dropped - previous.dropped
      : stats.dropped;
  const cameraRunning =
    stats.cameras.length === 0
      ? stats.fps.in > 0
      : stats.cameras.some((c) => (c.state ?? 'running') === 'running');
  // Triggered inspection: coverage is parts inspected of parts announced (missed parts are what it misses), not
  // the share of frames that were parts. The agent's part counts are running totals, like `dropped`.
  if (stats.parts) {
    const before = previous?.parts && stats.uptime_s >= previous.uptime_s ? previous.parts : undefined;
    const delta = (k: 'triggered' | 'inspected' | 'missed') =>
      Math.max(0, (stats.parts?.[k] ?? 0) - (before && (stats.parts?.[k] ?? 0) >= before[k] ? before[k] : 0));
    return {
      frames_captured: delta('triggered'),
      frames_inspected: delta('inspected'),
      frames_dropped: delta('missed'),
      run_ms: cameraRunning ? intervalMs : 0,
    };
  }
  return {
    frames_captured: stats.fps.in * seconds,
    frames_inspected: stats.fps.processed * seconds,
    frames_dropped: dropped,
    run_ms: cameraRunning ? intervalMs : 0,
  };
}
