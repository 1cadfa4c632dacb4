import type { Compare } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { summarise } from './compare.ts';

const side = (version: string, defects: number, p95: number) => ({
  model: { id: 'm', version },
  defects,
  errors: 0,
  infer_p50: p95 / 2,
  infer_p95: p95,
  hist: Array.from({ length: 20 }, (_, i) => (i === 0 ? 1 : 0)),
});
const compare = (frames: number, agree: number, p95: number): Compare => ({
  frames,
  agree,
  ok_to_defect: frames - agree,
  defect_to_ok: 0,
  score_diff_mean: 0,
  score_diff_max: 0,
  skipped: 1,
  baseline: side('1', 0, p95),
  candidate: side('2', frames - agree, p95 * 2),
  pairs: [[0.1, 0.2]],
});

describe('summarise comparisons', () => {
  it('adds counts, keeps the worst latency and pools the pairs', () => {
    const s = summarise([compare(100, 90, 4), compare(50, 50, 6)]);
    expect(s).toMatchObject({ frames: 150, agree: 140, okToDefect: 10, skipped: 2 });
    expect(s?.latency).toEqual({ baseline: [3, 6], candidate: [6, 12] });
    expect(s?.hist.baseline[0]).toBe(2);
    expect(s?.pairs).toHaveLength(2);
    expect(s?.defectRate.candidate).toBeCloseTo(10 / 150);
  });
  it('is null without comparisons', () => {
    expect(summarise([])).toBeNull();
  });
});
