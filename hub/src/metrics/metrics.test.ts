import { describe, expect, it } from 'vitest';
import { type BucketCounts, emptyCounts, type LineCounts } from './counts.ts';
import { byLine, deriveLineMetrics, latencyOf, throughputPerMin } from './line-metrics.ts';
import { pChartLimits } from './p-chart.ts';
import { pBarOf, seriesPoints } from './series.ts';

const line = (over: Partial<LineCounts>): LineCounts => ({
  ...emptyCounts(),
  site: 's1',
  line: 'l1',
  agents: 2,
  ...over,
});

describe('throughputPerMin', () => {
  it('is parts over run time, 0 when the line did not run', () => {
    expect(throughputPerMin(100, 120_000)).toBe(50);
    expect(throughputPerMin(5, 0)).toBe(0);
  });
});

describe('deriveLineMetrics', () => {
  it('computes rate, Wilson interval, throughput, coverage and latency', () => {
    const m = deriveLineMetrics(
      line({
        n: 100,
        defects: 5,
        run_ms: 4 * 60_000,
        frames_captured: 125,
        frames_inspected: 100,
        latency_sum: 1000,
        latency_max: 40,
        latency_le: [0, 60, 90, 100, 100, 100, 100, 100],
      }),
    );
    expect(m.defect_rate).toBe(0.05);
    expect(m.defect_rate_ci[0]).toBeCloseTo(0.0215, 4);
    expect(m.defect_rate_ci[1]).toBeCloseTo(0.1118, 4);
    expect(m.parts_per_min).toBe(25);
    expect(m.run_min).toBe(4);
    expect(m.coverage.coverage).toBe(0.8);
    expect(m.latency).toEqual({ mean_ms: 10, p50_ms: 10, p95_ms: 50, max_ms: 40 });
  });

  it('handles an idle line', () => {
    const m = deriveLineMetrics(line({}));
    expect(m).toMatchObject({
      defect_rate: 0,
      defect_rate_ci: [0, 1],
      parts_per_min: 0,
      true_defect_rate: null,
    });
    expect(m.coverage.coverage).toBeNull();
    expect(latencyOf(emptyCounts()).p95_ms).toBeNull();
  });
});

describe('p-chart', () => {
  // The worked check: one line, one hour, n = 3000, p̄ = 1.3 %: limits 0.68 %–1.92 %.
  it('reproduces the worked example, flagging 66 rejects and not 39', () => {
    const limits = pChartLimits(0.013, 3000);
    expect(limits.lcl).toBeCloseTo(0.0068, 4);
    expect(limits.ucl).toBeCloseTo(0.0192, 4);
    const bucket = (defects: number): BucketCounts => ({
      ...emptyCounts(),
      start: 0,
      end: 3_600_000,
      classes: {},
      n: 3000,
      defects,
    });
    const points = seriesPoints([bucket(39), bucket(66)], 0.013);
    expect(points.map((p) => p.signal)).toEqual([null, 'above']);
    expect(points[0]?.ci[0]).toBeCloseTo(0.0095, 4);
    expect(points[1]?.ci[1]).toBeCloseTo(0.0279, 4);
    expect(pBarOf([bucket(39), bucket(66)])).toEqual({ n: 6000, x: 105, p_bar: 0.0175 });
  });
});

describe('byLine', () => {
  it('sorts by site then line', () => {
    const rows = [
      { site: 'b', line: 'a' },
      { site: 'a', line: 'z' },
      { site: 'a', line: 'b' },
    ];
    expect(rows.sort(byLine).map((r) => `${r.site}/${r.line}`)).toEqual(['a/b', 'a/z', 'b/a']);
  });
});
