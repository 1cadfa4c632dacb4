import type { Compare } from '@sightline/protocol';

/** The comparisons of several agents summed into one (for a rollout's shadow view). */
export interface CompareSummary {
  frames: number;
  agree: number;
  okToDefect: number;
  defectToOk: number;
  skipped: number;
  /** Worst agent's p50/p95 inference ms, baseline and candidate. */
  latency: { baseline: [number, number]; candidate: [number, number] };
  hist: { baseline: number[]; candidate: number[] };
  pairs: Array<[number, number]>;
  defectRate: { baseline: number; candidate: number };
}

/** Sums agents' comparisons: counts add up, latency is the worst agent's, score pairs are pooled. */
export function summarise(compares: readonly Compare[]): CompareSummary | null {
  if (compares.length === 0) return null;
  const sum = (f: (c: Compare) => number) => compares.reduce((n, c) => n + f(c), 0);
  const max = (f: (c: Compare) => number) => Math.max(0, ...compares.map(f));
  const hist = (side: 'baseline' | 'candidate') =>
    Array.from({ length: 20 }, (_, i) => sum((c) => c[side].hist[i] ?? 0));
  const frames = sum((c) => c.frames);
  return {
    frames,
    agree: sum((c) => c.agree),
    okToDefect: sum((c) => c.ok_to_defect),
    defectToOk: sum((c) => c.defect_to_ok),
    skipped: sum((c) => c.skipped),
    latency: {
      baseline: [max((c) => c.baseline.infer_p50), max((c) => c.baseline.infer_p95)],
      candidate: [max((c) => c.candidate.infer_p50), max((c) => c.candidate.infer_p95)],
    },
    hist: { baseline: hist('baseline'), candidate: hist('candidate') },
    pairs: compares.flatMap((c) => c.pairs),
    defectRate: {
      baseline: frames ? sum((c) => c.baseline.defects) / frames : 0,
      candidate: frames ? sum((c) => c.candidate.defects) / frames : 0,
    },
  };
}
