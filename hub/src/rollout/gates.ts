import type { Compare, GateResult, RolloutGates } from '@sightline/protocol';

/**
 * Reads a stage's gates from the comparisons of its agents (both models on the same frames), summed over the
 * agents: agreement, latency (worst agent), defect-rate change and the candidate's error rate. A gate whose
 * figure is unknown (no frame was compared) passes with value null: it is shown, not guessed.
 */
export function evaluateGates(compares: readonly Compare[], gates: RolloutGates): GateResult[] {
  const sum = (f: (c: Compare) => number) => compares.reduce((n, c) => n + f(c), 0);
  const frames = sum((c) => c.frames);
  const errors = sum((c) => c.candidate.errors);
  const compared = compares.filter((c) => c.frames > 0);
  const results: GateResult[] = [];
  const gate = (name: string, value: number | null, limit: number, ok: (v: number) => boolean) =>
    results.push({ gate: name, value, limit, passed: value === null || ok(value) });
  gate(
    'min_agreement',
    frames ? sum((c) => c.agree) / frames : null,
    gates.minAgreement,
    (v) => v >= gates.minAgreement,
  );
  if (gates.maxLatencyMs !== undefined) {
    const limit = gates.maxLatencyMs;
    gate(
      'max_latency_ms',
      compared.length ? Math.max(...compared.map((c) => c.candidate.infer_p95)) : null,
      limit,
      (v) => v <= limit,
    );
  }
  const ratios = compared
    .filter((c) => c.baseline.infer_p95 > 0)
    .map((c) => c.candidate.infer_p95 / c.baseline.infer_p95);
  gate(
    'max_latency_ratio',
    ratios.length ? Math.max(...ratios) : null,
    gates.maxLatencyRatio,
    (v) => v <= gates.maxLatencyRatio,
  );
  gate(
    'max_defect_rate_change',
    frames ? Math.abs(sum((c) => c.candidate.defects) - sum((c) => c.baseline.defects)) / frames : null,
    gates.maxDefectRateChange,
    (v) => v <= gates.maxDefectRateChange,
  );
  gate(
    'max_error_rate',
    frames + errors ? errors / (frames + errors) : null,
    gates.maxErrorRate,
    (v) => v <= gates.maxErrorRate,
  );
  return results;
}
