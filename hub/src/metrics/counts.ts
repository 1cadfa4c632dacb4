/** Upper bounds (ms) of the latency histogram buckets kept per minute: counts of results with total ≤ bound. */
export const LATENCY_BOUNDS_MS = [5, 10, 20, 50, 100, 200, 500, 1000] as const;

/**
 * Additive counts the store keeps per minute (rollups) and sums over any time range; every figure the API shows
 * is derived from these in metrics/ (rates, intervals, throughput, coverage), never in the store.
 */
export interface RollupCounts {
  /** Live (non-shadow) results. */
  n: number;
  defects: number;
  uncertain: number;
  truth_n: number;
  truth_defects: number;
  /** Results of a candidate model in shadow mode (kept apart from the live figures). */
  shadow_n: number;
  shadow_defects: number;
  /** The part of n and defects decided in pilot mode (observe-only: the agent did not act). */
  pilot_n: number;
  pilot_defects: number;
  /** Sum and maximum of latency.total (ms) over live results. */
  latency_sum: number;
  latency_max: number;
  /** Live results with latency.total ≤ each bound of LATENCY_BOUNDS_MS (cumulative counts). */
  latency_le: number[];
  /** Frames from agent stats: captured by cameras, inspected by the model, dropped. */
  frames_captured: number;
  frames_inspected: number;
  frames_dropped: number;
  /** Time the line's agents were running (stats), summed over minutes. */
  run_ms: number;
  /** Capture time of the first and last live result; null when there is none. */
  first_ts: number | null;
  last_ts: number | null;
}

export interface LineCounts extends RollupCounts {
  site: string;
  line: string;
  /** Distinct agents with a live result in the range. */
  agents: number;
}

export interface AgentCounts extends RollupCounts {
  site: string;
  line: string;
  agent: string;
}

export interface BucketCounts extends RollupCounts {
  /** Bucket start and end (epoch ms, end exclusive). */
  start: number;
  end: number;
  /** Defects per class (the highest-scoring class of each defect), when the model names classes. */
  classes: Record<string, number>;
}

export function emptyCounts(): RollupCounts {
  return {
    n: 0,
    defects: 0,
    uncertain: 0,
    truth_n: 0,
    truth_defects: 0,
    shadow_n: 0,
    shadow_defects: 0,
    pilot_n: 0,
    pilot_defects: 0,
    latency_sum: 0,
    latency_max: 0,
    latency_le: [],
    frames_captured: 0,
    frames_inspected: 0,
    frames_dropped: 0,
    run_ms: 0,
    first_ts: null,
    last_ts: null,
  };
}
