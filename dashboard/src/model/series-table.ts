import type { SeriesPoint } from '../api/types.ts';
import type { CsvColumn } from './csv.ts';

/** Totals of a series over its range: what the line view's summary strip shows. */
export function seriesTotals(points: readonly SeriesPoint[]) {
  let n = 0;
  let x = 0;
  let runMin = 0;
  let captured = 0;
  let inspected = 0;
  let signals = 0;
  for (const p of points) {
    n += p.n;
    x += p.x;
    runMin += p.run_min;
    captured += p.coverage.frames_captured;
    inspected += p.coverage.frames_inspected;
    if (p.signal) signals += 1;
  }
  return {
    n,
    x,
    rate: n > 0 ? x / n : null,
    partsPerMin: runMin > 0 ? n / runMin : null,
    coverage: captured > 0 ? inspected / captured : null,
    signals,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

export const SERIES_CSV: ReadonlyArray<CsvColumn<SeriesPoint>> = [
  { header: 'start', value: (p) => iso(p.start) },
  { header: 'end', value: (p) => iso(p.end) },
  { header: 'inspected', value: (p) => p.n },
  { header: 'defects', value: (p) => p.x },
  { header: 'uncertain', value: (p) => p.uncertain },
  { header: 'defect_rate', value: (p) => p.rate },
  { header: 'ci_low', value: (p) => p.ci[0] },
  { header: 'ci_high', value: (p) => p.ci[1] },
  { header: 'lcl', value: (p) => p.lcl },
  { header: 'ucl', value: (p) => p.ucl },
  { header: 'signal', value: (p) => p.signal },
  { header: 'run_min', value: (p) => p.run_min },
  { header: 'parts_per_min', value: (p) => p.parts_per_min },
  { header: 'frames_captured', value: (p) => p.coverage.frames_captured },
  { header: 'frames_inspected', value: (p) => p.coverage.frames_inspected },
  { header: 'coverage', value: (p) => p.coverage.coverage },
  { header: 'latency_p95_ms', value: (p) => p.latency.p95_ms },
  {
    header: 'classes',
    value: (p) =>
      Object.entries(p.classes)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
  },
];
