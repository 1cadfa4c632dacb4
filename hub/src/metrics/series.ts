import type { SeriesPoint } from '@sightline/protocol';
import type { BucketCounts } from './counts.ts';
import { coverageOf, latencyOf, throughputPerMin } from './line-metrics.ts';
import { pChartLimits, pChartSignal } from './p-chart.ts';
import { wilson } from './wilson.ts';

/** p̄ = Σx / Σn over a reference period; null when it has no results. */
export function pBarOf(buckets: readonly BucketCounts[]): { n: number; x: number; p_bar: number | null } {
  let n = 0;
  let x = 0;
  for (const b of buckets) {
    n += b.n;
    x += b.defects;
  }
  return { n, x, p_bar: n === 0 ? null : x / n };
}

/** Each bucket's rate with its Wilson interval and its own p-chart limits against p̄. */
export function seriesPoints(buckets: readonly BucketCounts[], pBar: number | null): SeriesPoint[] {
  return buckets.map((b) => {
    const rate = b.n === 0 ? 0 : b.defects / b.n;
    const limits = pChartLimits(pBar, b.n);
    return {
      start: b.start,
      end: b.end,
      n: b.n,
      x: b.defects,
      uncertain: b.uncertain,
      rate,
      ci: wilson(b.defects, b.n),
      ...limits,
      signal: b.n === 0 ? null : pChartSignal(rate, limits),
      run_min: b.run_ms / 60_000,
      parts_per_min: throughputPerMin(b.n, b.run_ms),
      truth_n: b.truth_n,
      true_defect_rate: b.truth_n === 0 ? null : b.truth_defects / b.truth_n,
      classes: b.classes,
      coverage: coverageOf(b),
      latency: latencyOf(b),
    };
  });
}
