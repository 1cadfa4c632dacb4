/**
 * p-chart limits for one point: σ_i = √(p̄(1−p̄)/n_i), UCL_i = p̄ + 3σ_i,
 * LCL_i = max(0, p̄ − 3σ_i). Limits depend on each point's n, so they are computed per point.
 */
export function pChartLimits(pBar: number | null, n: number): { ucl: number | null; lcl: number | null } {
  if (pBar === null || n <= 0) return { ucl: null, lcl: null };
  const sigma = Math.sqrt((pBar * (1 - pBar)) / n);
  return { ucl: Math.min(1, pBar + 3 * sigma), lcl: Math.max(0, pBar - 3 * sigma) };
}

/** A point beyond its 3σ limit. */
export function pChartSignal(rate: number, limits: { ucl: number | null; lcl: number | null }) {
  if (limits.ucl !== null && rate > limits.ucl) return 'above' as const;
  if (limits.lcl !== null && rate < limits.lcl) return 'below' as const;
  return null;
}
