import type { AuditCounts, CumulativeRoi, Figure, RoiFigures, RoiInputs } from '@sightline/protocol';
import { auditedPrecision, auditedRecall } from './audit.ts';
import { figure, v, YEAR_MS } from './figure.ts';
import { throughputPerMin } from './line-metrics.ts';
import { twoProportionTest } from './two-proportion.ts';
import { wilson } from './wilson.ts';

/** Counts of one line over a window W (README "Quality and ROI figures", figure 1). */
export interface RoiWindow {
  /** Live-mode results (the system acted on them) and their rejects. */
  n: number;
  x: number;
  /** Every result, pilot included: throughput counts every part. */
  nAll: number;
  /** Minutes the line's agents ran, in ms. */
  runMs: number;
  /** |W| in ms. */
  spanMs: number;
  audit: AuditCounts;
}

/** Below this n an interval is too wide to read: the dashboard greys it. */
export const LOW_N = 30;

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/**
 * Every figure of one line over W, each with its inputs. `baseline` is the frozen window's pilot counts (for the
 * two-proportion test). Figures that need an input not entered are null and name it.
 */
export function roiFigures(
  w: RoiWindow,
  inputs: RoiInputs,
  baseline: { n: number; x: number } | null,
): RoiFigures {
  const { n, x } = w;
  const pi = auditedPrecision(w.audit);
  const rho = auditedRecall(w.audit);
  const years = w.spanMs / YEAR_MS;
  const r = ratio(x, n);

  const reject_rate = figure('fraction', 'x / n', { x, n }, () => r, {
    interval: n > 0 ? wilson(x, n) : null,
    flags: n < LOW_N ? ['low-n'] : [],
    note: n < LOW_N ? `n = ${n} < ${LOW_N}: the interval is too wide to read` : null,
  });

  // Figure 2: TP = π·x, D = TP/ρ, p = D/n; with no audit p = r, marked uncorrected.
  const corrected = pi !== null && rho !== null && rho > 0;
  const D = corrected ? (pi * x) / rho : x;
  const defect_rate = figure(
    'fraction',
    corrected ? '(π·x/ρ) / n' : 'x / n (no audit yet)',
    { x, n, pi, rho },
    () => ratio(D, n),
    {
      flags: corrected ? [] : ['uncorrected'],
      note: corrected ? null : 'uncorrected: no audited π and ρ yet, so p = r',
    },
  );
  const p = defect_rate.value;

  const throughput = figure(
    'parts/min',
    'n_all / run_min',
    { n_all: w.nAll, run_min: w.runMs / 60_000 },
    () => throughputPerMin(w.nAll, w.runMs),
  );
  const throughput_change = figure(
    'fraction',
    '(thr − s_base) / s_base',
    { thr: throughput.value, s_base: inputs.s_base },
    () => (inputs.s_base ? (v(throughput) - inputs.s_base) / inputs.s_base : null),
    { needs: ['s_base'] },
  );
  const reduction = figure(
    'fraction',
    '(p_base − p) / p_base',
    { p_base: inputs.p_base, p },
    () => (inputs.p_base ? (inputs.p_base - (p as number)) / inputs.p_base : null),
    { needs: ['p_base', 'p'], flags: defect_rate.flags.filter((f) => f === 'uncorrected') },
  );

  const test = baseline ? twoProportionTest(baseline.x, baseline.n, x, n) : null;
  const testInputs = { x_base: baseline?.x ?? null, n_base: baseline?.n ?? null, x, n };
  const z_test = figure(
    'z',
    '(x_base/n_base − x/n) / √(p̂(1−p̂)(1/n_base + 1/n))',
    testInputs,
    () => test?.z ?? null,
    {
      needs: ['n_base'],
    },
  );
  const p_value = figure(
    'p',
    'erfc(|z| / √2), two-sided',
    { ...testInputs, z: z_test.value },
    () => test?.pValue ?? null,
    {
      needs: ['n_base'],
      note: test ? (test.pValue < 0.05 ? 'significant at 5 %' : 'not significant at 5 %') : null,
    },
  );

  const auditInputs = { pi, rho, x, n };
  const rhoAssumed = rho === null;
  const false_reject_rate = figure(
    'fraction',
    '(1 − π)·x / (n − D), D = π·x/ρ',
    auditInputs,
    () => ratio((1 - (pi as number)) * x, n - ((pi as number) * x) / (rho && rho > 0 ? rho : 1)),
    {
      needs: ['pi'],
      flags: rhoAssumed ? ['uncorrected'] : [],
      note: rhoAssumed ? 'ρ not audited: taken as 1' : null,
    },
  );
  const miss_rate = figure('fraction', '1 − ρ', { rho }, () => 1 - (rho as number), { needs: ['rho'] });
  const escape_rate = figure(
    'fraction',
    'π·x·(1 − ρ) / (ρ·n)',
    auditInputs,
    () => (rho && n > 0 ? ((pi as number) * x * (1 - rho)) / (rho * n) : null),
    { needs: ['pi', 'rho'] },
  );
  const signedPrevented =
    inputs.e_base !== null && escape_rate.value !== null ? n * (inputs.e_base - escape_rate.value) : null;
  const escapes_prevented = figure(
    'parts',
    'n·(e_base − e_cur), shown floored at 0',
    { n, e_base: inputs.e_base, e_cur: escape_rate.value, signed: signedPrevented },
    () => Math.max(0, signedPrevented as number),
    { needs: ['e_base', 'e_cur'], flags: signedPrevented !== null && signedPrevented < 0 ? ['floored'] : [] },
  );

  const savings_escapes = figure(
    '$',
    'n·(e_base − e_cur)·C_esc (signed)',
    { escapes_prevented: signedPrevented, c_esc: inputs.c_esc },
    () => (signedPrevented as number) * (inputs.c_esc as number),
    { needs: ['escapes_prevented', 'c_esc'] },
  );
  const savings_scrap = figure(
    '$',
    'n·(p_base − p)·C_int',
    { n, p_base: inputs.p_base, p, c_int: inputs.c_int },
    () => n * ((inputs.p_base as number) - (p as number)) * (inputs.c_int as number),
    {
      needs: ['p_base', 'p', 'c_int'],
      note: inputs.c_int === null ? 'optional: enter C_int to count it' : null,
    },
  );
  const savings_labour = figure(
    '$',
    '(H_base − H_cur)·R_lab × |W| / 1 yr',
    { h_base: inputs.h_base, h_cur: inputs.h_cur, r_lab: inputs.r_lab, years },
    () => ((inputs.h_base as number) - (inputs.h_cur as number)) * (inputs.r_lab as number) * years,
    {
      needs: ['h_base', 'h_cur', 'r_lab'],
      note: inputs.r_lab === null ? 'optional: enter H and R_lab to count it' : null,
    },
  );
  const cost_false_rejects = figure(
    '$',
    '(1 − π)·x·C_fr',
    { pi, x, c_fr: inputs.c_fr },
    () => (pi === 1 ? 0 : (1 - (pi as number)) * x * (inputs.c_fr as number)),
    { needs: pi === 1 ? ['pi'] : ['pi', 'c_fr'] },
  );
  const optional = (f: Figure) => f.value ?? 0;
  const savings = figure(
    '$',
    'savings_escapes + savings_scrap + savings_labour − cost_false_rejects',
    {
      savings_escapes: savings_escapes.value,
      savings_scrap: savings_scrap.value,
      savings_labour: savings_labour.value,
      cost_false_rejects: cost_false_rejects.value,
    },
    () => v(savings_escapes) + optional(savings_scrap) + optional(savings_labour) - v(cost_false_rejects),
    { needs: ['savings_escapes', 'cost_false_rejects'] },
  );
  const cost = figure(
    '$',
    'OPEX_y × |W| / 1 yr',
    { opex_y: inputs.opex_y, years },
    () => (inputs.opex_y as number) * years,
    {
      needs: ['opex_y'],
    },
  );
  const net = figure(
    '$',
    'savings − cost',
    { savings: savings.value, cost: cost.value },
    () => v(savings) - v(cost),
    {
      needs: ['savings', 'cost'],
    },
  );
  const roi_pct = figure(
    '%',
    '(savings − cost) / cost × 100',
    { savings: savings.value, cost: cost.value },
    () => (v(cost) > 0 ? ((v(savings) - v(cost)) / v(cost)) * 100 : null),
    { needs: ['savings', 'cost'] },
  );

  return {
    reject_rate,
    defect_rate,
    throughput,
    throughput_change,
    reduction,
    z_test,
    p_value,
    false_reject_rate,
    miss_rate,
    escape_rate,
    escapes_prevented,
    savings_escapes,
    savings_scrap,
    savings_labour,
    cost_false_rejects,
    savings,
    cost,
    net,
    roi_pct,
  };
}

/**
 * Cumulative ROI since go-live (README figures 10, 11): CAPEX counted once, OPEX for the time since, savings over
 * the same span; payback from the annualised savings, "not yet" while the monthly net is ≤ 0.
 */
export function cumulativeRoi(
  span: { from: number | null; to: number },
  savings: Figure,
  inputs: RoiInputs,
): CumulativeRoi {
  const years = span.from === null ? 0 : Math.max(0, span.to - span.from) / YEAR_MS;
  const live = span.from !== null;
  const S = live ? savings.value : null;
  const savingsCum = figure('$', 'Σ savings since go-live', { savings: S, years }, () => S, {
    needs: ['savings'],
    note: live ? null : 'not live yet',
  });
  const opex = figure(
    '$',
    'OPEX_y × years since go-live',
    { opex_y: inputs.opex_y, years },
    () => (inputs.opex_y as number) * years,
    {
      needs: ['opex_y'],
    },
  );
  const capex = figure(
    '$',
    'CAPEX, counted once at go-live',
    { capex: inputs.capex, live },
    () => (live ? (inputs.capex as number) : 0),
    {
      needs: ['capex'],
    },
  );
  const roi_pct = figure(
    '%',
    '(Σ savings − Σ OPEX − CAPEX) / (CAPEX + Σ OPEX) × 100',
    { savings: savingsCum.value, opex: opex.value, capex: capex.value },
    () => {
      const spent = v(capex) + v(opex);
      return spent > 0 ? ((v(savingsCum) - v(opex) - v(capex)) / spent) * 100 : null;
    },
    { needs: ['savings', 'opex', 'capex'] },
  );
  const annual_savings = figure(
    '$',
    'Σ savings × 1 yr / years since go-live',
    { savings: savingsCum.value, years },
    () => (years > 0 ? v(savingsCum) / years : null),
    { needs: ['savings'] },
  );
  const monthlyNet =
    annual_savings.value !== null && inputs.opex_y !== null
      ? (annual_savings.value - inputs.opex_y) / 12
      : null;
  const notYet = monthlyNet !== null && monthlyNet <= 0;
  const payback_months = figure(
    'months',
    'CAPEX / ((annual savings − OPEX_y) / 12)',
    { capex: inputs.capex, annual_savings: annual_savings.value, opex_y: inputs.opex_y },
    () => (notYet ? null : (inputs.capex as number) / (monthlyNet as number)),
    {
      needs: ['capex', 'annual_savings', 'opex_y'],
      flags: notYet ? ['not-yet'] : [],
      note: notYet ? 'not yet: savings do not cover the running cost' : null,
    },
  );
  return {
    from: span.from,
    to: span.to,
    savings: savingsCum,
    opex,
    capex,
    roi_pct,
    annual_savings,
    payback_months,
  };
}
