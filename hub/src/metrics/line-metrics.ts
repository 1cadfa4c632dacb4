import type { Coverage, LatencySummary, LineMetrics } from '@sightline/protocol';
import { LATENCY_BOUNDS_MS, type LineCounts, type RollupCounts } from './counts.ts';
import { wilson } from './wilson.ts';

export type { LineMetrics };

/** Throughput from run time: n / run_min, so a line whose agents run but see no parts reads 0. */
export function throughputPerMin(n: number, runMs: number): number {
  return runMs <= 0 ? 0 : n / (runMs / 60_000);
}

/** Coverage = frames inspected / frames captured, from agent stats; null when no stats arrived. */
export function coverageRatio(inspected: number, captured: number): number | null {
  return captured > 0 ? Math.min(1, inspected / captured) : null;
}

export function coverageOf(c: RollupCounts): Coverage {
  return {
    frames_captured: c.frames_captured,
    frames_inspected: c.frames_inspected,
    frames_dropped: c.frames_dropped,
    coverage: coverageRatio(c.frames_inspected, c.frames_captured),
  };
}

/** The histogram bound at or below which a share q of the results fall (an upper bound of the quantile). */
function quantileBound(c: RollupCounts, q: number): number | null {
  if (c.n === 0) return null;
  const need = q * c.n;
  for (let i = 0; i < LATENCY_BOUNDS_MS.length; i++) {
    if ((c.latency_le[i] ?? 0) >= need) return LATENCY_BOUNDS_MS[i] ?? null;
  }
  return null;
}

export function latencyOf(c: RollupCounts): LatencySummary {
  return {
    mean_ms: c.n === 0 ? null : c.latency_sum / c.n,
    p50_ms: quantileBound(c, 0.5),
    p95_ms: quantileBound(c, 0.95),
    max_ms: c.n === 0 ? null : c.latency_max,
  };
}

export function deriveLineMetrics(c: LineCounts): LineMetrics {
  return {
    site: c.site,
    line: c.line,
    agents: c.agents,
    inspected: c.n,
    defects: c.defects,
    uncertain: c.uncertain,
    defect_rate: c.n === 0 ? 0 : c.defects / c.n,
    defect_rate_ci: wilson(c.defects, c.n),
    run_min: c.run_ms / 60_000,
    parts_per_min: throughputPerMin(c.n, c.run_ms),
    truth_n: c.truth_n,
    true_defect_rate: c.truth_n === 0 ? null : c.truth_defects / c.truth_n,
    first_ts: c.first_ts,
    last_ts: c.last_ts,
    shadow: { inspected: c.shadow_n, defects: c.shadow_defects },
    pilot: { inspected: c.pilot_n, defects: c.pilot_defects },
    coverage: coverageOf(c),
    latency: latencyOf(c),
  };
}

/** Orders lines by site, then line, as the API lists them. */
export function byLine(a: { site: string; line: string }, b: { site: string; line: string }): number {
  return a.site < b.site ? -1 : a.site > b.site ? 1 : a.line < b.line ? -1 : a.line > b.line ? 1 : 0;
}
