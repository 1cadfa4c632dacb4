import type { RoiInputs } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { emptyAudit } from './audit.ts';
import { costOfPoorQuality } from './baseline.ts';
import { YEAR_MS } from './figure.ts';
import { cumulativeRoi, roiFigures } from './roi.ts';
import { erfc, twoProportionTest } from './two-proportion.ts';

const cents = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

const noInputs: RoiInputs = {
  e_base: null,
  p_base: null,
  s_base: null,
  c_esc: null,
  c_fr: null,
  c_int: null,
  h_base: null,
  h_cur: null,
  r_lab: null,
  capex: null,
  opex_y: null,
};

// The README's worked example (the case study: −35 % defects, $10M/yr, 300 %): five lines, 250 days, 400 running
// minutes a day at 50 parts/min → V = 25,000,000 parts; reject rate 1.2 %, audit π = 1, ρ = 12/13.
function workedExample(lines: number) {
  const n = lines * 250 * 400 * 50;
  const audit = { ...emptyAudit(), confirmed_defect: 12, missed_defect: 1 }; // π = 12/12, ρ = 12/13
  const inputs: RoiInputs = {
    ...noInputs,
    e_base: 0.005,
    p_base: 0.02,
    s_base: 125 / 3, // 41.67 parts/min
    c_esc: 100,
    capex: 300_000 * lines,
    opex_y: 200_000 * lines,
  };
  const w = { n, x: n * 0.012, nAll: n, runMs: lines * 250 * 400 * 60_000, spanMs: YEAR_MS, audit };
  const figures = roiFigures(w, inputs, null);
  return { n, inputs, figures, cumulative: cumulativeRoi({ from: 0, to: YEAR_MS }, figures.savings, inputs) };
}

describe('ROI figures: the worked example, to the cent', () => {
  it('reproduces the five-line case: p 1.3 % (−35 %), 100,000 escapes prevented, $10M saved, 300 %, 2.0 months', () => {
    const { figures: f, cumulative: c } = workedExample(5);
    expect(f.reject_rate.value).toBeCloseTo(0.012, 12);
    expect(f.defect_rate.value).toBeCloseTo(0.013, 12);
    expect(f.defect_rate.flags).not.toContain('uncorrected');
    expect(f.reduction.value).toBeCloseTo(0.35, 12);
    expect(f.throughput.value).toBeCloseTo(50, 9);
    expect(f.throughput_change.value).toBeCloseTo(0.2, 12);
    expect(f.escape_rate.value).toBeCloseTo(0.001, 12);
    expect(cents(f.escapes_prevented.value)).toBe(100_000);
    expect(cents(f.savings_escapes.value)).toBe(10_000_000);
    expect(cents(f.cost_false_rejects.value)).toBe(0);
    expect(cents(f.savings.value)).toBe(10_000_000);
    expect(cents(f.cost.value)).toBe(1_000_000);
    expect(cents(c.capex.value)).toBe(1_500_000);
    expect(cents(c.opex.value)).toBe(1_000_000);
    expect(cents(c.roi_pct.value)).toBe(300);
    expect(cents(c.annual_savings.value)).toBe(10_000_000);
    expect(cents(c.payback_months.value)).toBe(2);
    // The optional buckets were not entered: shown as missing, counted as 0.
    expect(f.savings_scrap.missing).toEqual(['c_int']);
    expect(f.savings_labour.value).toBeNull();
  });

  it('per line: 5,000,000 parts, $2,000,000 saved, $500,000 cost, also 300 %', () => {
    const { n, figures: f, cumulative: c } = workedExample(1);
    expect(n).toBe(5_000_000);
    expect(cents(f.savings.value)).toBe(2_000_000);
    expect(cents((c.capex.value ?? 0) + (c.opex.value ?? 0))).toBe(500_000);
    expect(cents(c.roi_pct.value)).toBe(300);
  });

  it('shows every figure with its inputs', () => {
    const { figures: f } = workedExample(5);
    expect(f.escapes_prevented.inputs).toMatchObject({ n: 25_000_000, e_base: 0.005 });
    expect(f.savings.inputs.savings_escapes).toBeCloseTo(10_000_000, 2);
    expect(f.defect_rate.inputs).toMatchObject({ x: 300_000, n: 25_000_000, pi: 1, rho: 12 / 13 });
  });
});

describe('ROI figures: edge cases', () => {
  it('n = 0: rates are null, the interval spans [0, 1] greyed, nothing divides by zero', () => {
    const f = roiFigures(
      { n: 0, x: 0, nAll: 0, runMs: 0, spanMs: 3_600_000, audit: emptyAudit() },
      noInputs,
      null,
    );
    expect(f.reject_rate.value).toBeNull();
    expect(f.reject_rate.flags).toContain('low-n');
    expect(f.defect_rate.value).toBeNull();
    expect(f.throughput.value).toBe(0);
    expect(f.escape_rate.value).toBeNull();
    expect(f.savings.value).toBeNull();
  });

  it('no audit yet: p = r marked uncorrected; figures needing π or ρ name them as missing', () => {
    const inputs = { ...noInputs, e_base: 0.005, c_esc: 100, opex_y: 1000, c_fr: 2 };
    const f = roiFigures(
      { n: 1000, x: 20, nAll: 1000, runMs: 60_000, spanMs: YEAR_MS, audit: emptyAudit() },
      inputs,
      null,
    );
    expect(f.defect_rate.value).toBe(0.02);
    expect(f.defect_rate.flags).toContain('uncorrected');
    expect(f.escape_rate.missing).toEqual(['pi', 'rho']);
    expect(f.savings.value).toBeNull();
    expect(f.cost.value).toBe(1000);
    expect(f.reject_rate.flags).not.toContain('low-n');
  });

  it('false rejects are a cost: π = 3/4 on 100 rejects at $2 each', () => {
    const audit = { ...emptyAudit(), confirmed_defect: 3, false_reject: 1 };
    const inputs = { ...noInputs, e_base: 0.01, c_esc: 50, c_fr: 2, opex_y: 0 };
    const f = roiFigures(
      { n: 10_000, x: 100, nAll: 10_000, runMs: 60_000, spanMs: YEAR_MS, audit },
      inputs,
      null,
    );
    // ρ = 3/3 = 1: D = 75, e_cur = 0; FRR = 25 / (10000 − 75).
    expect(f.false_reject_rate.value).toBeCloseTo(25 / 9925, 12);
    expect(cents(f.cost_false_rejects.value)).toBe(50);
    expect(cents(f.savings.value)).toBe(10_000 * 0.01 * 50 - 50);
  });

  it('more escapes than the baseline: prevented is floored for display and signed in the savings', () => {
    const audit = { ...emptyAudit(), confirmed_defect: 1, missed_defect: 1 }; // π 1, ρ 1/2
    const inputs = { ...noInputs, e_base: 0.001, c_esc: 10, opex_y: 0 };
    const f = roiFigures({ n: 1000, x: 10, nAll: 1000, runMs: 60_000, spanMs: YEAR_MS, audit }, inputs, null);
    // e_cur = 10·0.5/(0.5·1000) = 0.01 > e_base → 1000·(0.001 − 0.01) = −9.
    expect(f.escapes_prevented.value).toBe(0);
    expect(f.escapes_prevented.flags).toContain('floored');
    expect(f.escapes_prevented.inputs.signed).toBeCloseTo(-9, 9);
    expect(cents(f.savings_escapes.value)).toBe(-90);
  });

  it('payback is "not yet" while savings do not cover OPEX, and cumulative ROI waits for go-live', () => {
    const inputs = { ...noInputs, capex: 1000, opex_y: 5000 };
    const saved = { value: 1000 } as Parameters<typeof cumulativeRoi>[1];
    const c = cumulativeRoi(
      { from: 0, to: YEAR_MS },
      { ...saved, inputs: {}, unit: '$', formula: '', interval: null, flags: [], missing: [], note: null },
      inputs,
    );
    expect(c.payback_months.value).toBeNull();
    expect(c.payback_months.flags).toContain('not-yet');
    const before = cumulativeRoi(
      { from: null, to: YEAR_MS },
      { ...saved, inputs: {}, unit: '$', formula: '', interval: null, flags: [], missing: [], note: null },
      inputs,
    );
    expect(before.savings.value).toBeNull();
    expect(before.capex.value).toBe(0);
  });
});

describe('two-proportion z-test', () => {
  it('matches a hand computation: 60/3000 against 39/3000', () => {
    // p̂ = 99/6000 = 0.0165; se = √(0.0165·0.9835·(2/3000)) = 0.0032893; z = 0.007/0.0032893 = 2.1281
    const t = twoProportionTest(60, 3000, 39, 3000);
    expect(t?.z).toBeCloseTo(2.1281, 3);
    expect(t?.pValue).toBeCloseTo(0.03333, 3);
  });
  it('is null without variance or data', () => {
    expect(twoProportionTest(0, 100, 0, 100)).toBeNull();
    expect(twoProportionTest(1, 0, 1, 10)).toBeNull();
  });
  it('erfc agrees with known values', () => {
    expect(erfc(0)).toBeCloseTo(1, 6);
    expect(erfc(1.959963984540054 / Math.SQRT2)).toBeCloseTo(0.05, 6);
    expect(erfc(-1)).toBeCloseTo(1.8427007929, 6);
  });
});

describe('opportunity: annual cost of poor quality', () => {
  it('scales the window to a year and prices escapes and defects', () => {
    const { annual_volume, copq } = costOfPoorQuality(
      { n: 1000, spanMs: YEAR_MS / 100 },
      { e_base: 0.005, p_base: 0.02, c_esc: 100, c_int: 5 },
    );
    expect(annual_volume.value).toBeCloseTo(100_000, 6);
    // 100,000 × (0.005·100 + 0.02·5) = 100,000 × 0.6
    expect(cents(copq.value)).toBe(60_000);
    expect(
      costOfPoorQuality({ n: 10, spanMs: 1 }, { e_base: null, p_base: null, c_esc: 1, c_int: null }).copq
        .missing,
    ).toEqual(['e_base']);
  });
});
