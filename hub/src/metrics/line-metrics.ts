import type { LineMetrics } from '@sightline/protocol';
import { wilson } from './wilson.ts';

export type { LineMetrics };

/** Raw counts for one line over a window, as the store aggregates them (shadow results excluded). */
export interface LineCounts {
  site: string;
  line: string;
  /** Distinct agents with at least one result in the window. */
  agents: number;
  /** Results in the window (every verdict: ok, defect, uncertain). */
  inspected: number;
  /** Results whose verdict is `defect`. */
  defects: number;
  /** Results that carry ground truth. */
  truth_n: number;
  /** Results whose ground truth is `defect`. */
  truth_defects: number;
  /** Capture time of the first and last result in the window; null when there is none. */
  first_ts: number | null;
  last_ts: number | null;
}

/**
 * Throughput while the line was seen running: n results span n − 1 inter-part gaps between the first and
 * last capture, so rate = (n − 1) / ((last − first) / 60 000). Using the span rather than the window length
 * keeps a line that started mid-window (or stopped) from looking slow. Fewer than two results, or all at
 * one instant, give 0: no rate can be measured.
 */
export function throughputPerMin(n: number, firstTs: number | null, lastTs: number | null): number {
  if (n < 2 || firstTs === null || lastTs === null || lastTs <= firstTs) return 0;
  return (n - 1) / ((lastTs - firstTs) / 60_000);
}

export function deriveLineMetrics(c: LineCounts): LineMetrics {
  return {
    site: c.site,
    line: c.line,
    agents: c.agents,
    inspected: c.inspected,
    defects: c.defects,
    defect_rate: c.inspected === 0 ? 0 : c.defects / c.inspected,
    defect_rate_ci: wilson(c.defects, c.inspected),
    parts_per_min: throughputPerMin(c.inspected, c.first_ts, c.last_ts),
    truth_n: c.truth_n,
    true_defect_rate: c.truth_n === 0 ? null : c.truth_defects / c.truth_n,
    first_ts: c.first_ts,
    last_ts: c.last_ts,
  };
}

/** Orders lines by site, then line, as the API lists them. */
export function byLine(a: { site: string; line: string }, b: { site: string; line: string }): number {
  return a.site < b.site ? -1 : a.site > b.site ? 1 : a.line < b.line ? -1 : a.line > b.line ? 1 : 0;
}
