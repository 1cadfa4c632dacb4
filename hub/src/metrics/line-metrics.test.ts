import { describe, expect, it } from 'vitest';
import { byLine, deriveLineMetrics, type LineCounts, throughputPerMin } from './line-metrics.ts';

const base: LineCounts = {
  site: 's1',
  line: 'l1',
  agents: 2,
  inspected: 100,
  defects: 5,
  truth_n: 0,
  truth_defects: 0,
  first_ts: 1_000_000,
  last_ts: 1_000_000 + 99 * 500, // 100 parts, one every 0.5 s
};

describe('throughputPerMin', () => {
  it('is (n − 1) gaps over the observed span', () => {
    expect(throughputPerMin(100, base.first_ts, base.last_ts)).toBeCloseTo(120, 10);
    expect(throughputPerMin(3, 0, 60_000)).toBe(2);
  });
  it('is 0 when no rate can be measured', () => {
    expect(throughputPerMin(1, 5, 5)).toBe(0);
    expect(throughputPerMin(0, null, null)).toBe(0);
    expect(throughputPerMin(4, 7, 7)).toBe(0);
  });
});

describe('deriveLineMetrics', () => {
  it('computes rate, Wilson interval and throughput', () => {
    const m = deriveLineMetrics(base);
    expect(m.defect_rate).toBe(0.05);
    expect(m.defect_rate_ci[0]).toBeCloseTo(0.0215, 4);
    expect(m.defect_rate_ci[1]).toBeCloseTo(0.1118, 4);
    expect(m.parts_per_min).toBeCloseTo(120, 10);
    expect(m.true_defect_rate).toBeNull();
    expect(m.agents).toBe(2);
  });

  it('gives the true defect rate over results that carry truth', () => {
    const m = deriveLineMetrics({ ...base, truth_n: 40, truth_defects: 3 });
    expect(m.truth_n).toBe(40);
    expect(m.true_defect_rate).toBe(0.075);
  });

  it('handles an idle line', () => {
    const m = deriveLineMetrics({ ...base, inspected: 0, defects: 0, first_ts: null, last_ts: null });
    expect(m.defect_rate).toBe(0);
    expect(m.defect_rate_ci).toEqual([0, 1]);
    expect(m.parts_per_min).toBe(0);
  });
});

describe('byLine', () => {
  it('sorts by site then line', () => {
    const rows = [
      { site: 'b', line: 'a' },
      { site: 'a', line: 'z' },
      { site: 'a', line: 'b' },
    ];
    expect(rows.sort(byLine)).toEqual([
      { site: 'a', line: 'b' },
      { site: 'a', line: 'z' },
      { site: 'b', line: 'a' },
    ]);
  });
});
