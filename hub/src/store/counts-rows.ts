import type { AgentCounts, BucketCounts, LineCounts, RollupCounts } from '../metrics/counts.ts';
import { LATENCY_LE_COLUMNS } from './queries.ts';
import type { Row } from './readers.ts';
import { num, numOrNull } from './result-rows.ts';

/** A row of rollup sums (any query selecting SUM_COLUMNS and the extremes) as counts; NULL sums are 0. */
export function countsOf(row: Row): RollupCounts {
  return {
    n: num(row.n),
    defects: num(row.defects),
    uncertain: num(row.uncertain),
    truth_n: num(row.truth_n),
    truth_defects: num(row.truth_defects),
    shadow_n: num(row.shadow_n),
    shadow_defects: num(row.shadow_defects),
    pilot_n: num(row.pilot_n),
    pilot_defects: num(row.pilot_defects),
    latency_sum: num(row.latency_sum),
    latency_max: num(row.latency_max),
    latency_le: LATENCY_LE_COLUMNS.map((c) => num(row[c])),
    frames_captured: num(row.frames_captured),
    frames_inspected: num(row.frames_inspected),
    frames_dropped: num(row.frames_dropped),
    run_ms: num(row.run_ms),
    first_ts: numOrNull(row.first_ts),
    last_ts: numOrNull(row.last_ts),
  };
}

export const lineCountsOf = (row: Row): LineCounts => ({
  site: String(row.site),
  line: String(row.line),
  agents: num(row.agents),
  ...countsOf(row),
});

export const agentCountsOf = (row: Row): AgentCounts => ({
  site: String(row.site),
  line: String(row.line),
  agent: String(row.agent),
  ...countsOf(row),
});

export function bucketCountsOf(
  row: Row,
  bucketMinutes: number,
  classes: Record<string, number>,
): BucketCounts {
  const start = num(row.bucket) * 60_000;
  return { start, end: start + bucketMinutes * 60_000, classes, ...countsOf(row) };
}
