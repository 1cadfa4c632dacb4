import type { AuditCounts, Figure } from '@sightline/protocol';
import { auditedPrecision, auditedRecall } from './audit.ts';
import { figure, YEAR_MS } from './figure.ts';
import { throughputPerMin } from './line-metrics.ts';
import { wilson } from './wilson.ts';

/** What a frozen baseline window holds (from the rollups) and the labels in it. */
export interface BaselineCounts {
  /** Pilot results and rejects in B: the baseline sample. */
  pilotN: number;
  pilotX: number;
  /** Every result in B, and its run time: throughput counts all parts. */
  nAll: number;
  runMs: number;
  audit: AuditCounts;
}

/**
 * p_base, s_base and the frozen p-chart reference p̄ from a pilot window: p̄ = Σx/Σn of its pilot results;
 * p_base is audit-corrected (π·x/ρ over n) when the window's labels give π and ρ, else the reject rate.
 */
export function baselineFigures(c: BaselineCounts) {
  const rate = c.pilotN === 0 ? null : c.pilotX / c.pilotN;
  const pi = auditedPrecision(c.audit);
  const rho = auditedRecall(c.audit);
  const corrected = rate !== null && pi !== null && rho !== null && rho > 0;
  return {
    reject_rate: rate,
    reject_rate_ci: wilson(c.pilotX, c.pilotN),
    p_base: corrected ? (pi * c.pilotX) / rho / c.pilotN : rate,
    p_base_corrected: corrected,
    s_base: c.runMs > 0 ? throughputPerMin(c.nAll, c.runMs) : null,
    p_bar: rate,
  };
}

/**
 * Figure 12: estimated annual cost of poor quality = annual volume × (e_base·C_esc + p_base·C_int), the volume
 * being the parts of a recent window scaled to a year. C_int is optional (0 when not entered).
 */
export function costOfPoorQuality(
  window: { n: number; spanMs: number },
  inputs: { e_base: number | null; p_base: number | null; c_esc: number | null; c_int: number | null },
): { annual_volume: Figure; copq: Figure } {
  const annual_volume = figure(
    'parts',
    'n × 1 yr / |window|',
    { n: window.n, window_days: window.spanMs / 86_400_000 },
    () => (window.spanMs > 0 ? (window.n * YEAR_MS) / window.spanMs : null),
  );
  const copq = figure(
    '$',
    'annual volume × (e_base·C_esc + p_base·C_int)',
    { annual_volume: annual_volume.value, ...inputs },
    () =>
      (annual_volume.value as number) *
      ((inputs.e_base as number) * (inputs.c_esc as number) + (inputs.p_base ?? 0) * (inputs.c_int ?? 0)),
    { needs: ['annual_volume', 'e_base', 'c_esc'] },
  );
  return { annual_volume, copq };
}
