import type { Compare, CompareSide, ModelRef, Verdict } from '@sightline/protocol';

const BINS = 20;
const LATENCY_KEEP = 512;
const PAIRS_KEEP = 100;

/** One model's verdict on a compared frame. */
export interface Judged {
  verdict: Verdict;
  score: number;
  inferMs: number;
}

function side(model: ModelRef) {
  const latencies: number[] = [];
  let seen = 0;
  const s = { model, defects: 0, errors: 0, hist: new Array<number>(BINS).fill(0) };
  return {
    add(j: Judged) {
      if (j.verdict === 'defect') s.defects += 1;
      const bin = Math.min(BINS - 1, Math.max(0, Math.floor(j.score * BINS)));
      s.hist[bin] = (s.hist[bin] ?? 0) + 1;
      // The latest LATENCY_KEEP latencies: a ring, so the percentiles follow the present.
      latencies[seen++ % LATENCY_KEEP] = j.inferMs;
    },
    error() {
      s.errors += 1;
    },
    snapshot(): CompareSide {
      const sorted = [...latencies].sort((a, b) => a - b);
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
      return { ...s, hist: [...s.hist], infer_p50: at(0.5), infer_p95: at(0.95) };
    },
  };
}

/**
 * Both models on the same frames, summed since the comparison began: agreement, flips each way, score
 * differences, latency percentiles, score histograms, and a uniform sample of score pairs (reservoir).
 */
export function createComparison(
  baseline: ModelRef,
  candidate: ModelRef,
  random: () => number = Math.random,
) {
  const b = side(baseline);
  const c = side(candidate);
  const counts = { frames: 0, agree: 0, ok_to_defect: 0, defect_to_ok: 0, skipped: 0 };
  let diffSum = 0;
  let diffMax = 0;
  const pairs: Array<[number, number]> = [];
  return {
    baseline,
    candidate,
    add(base: Judged, cand: Judged) {
      counts.frames += 1;
      if (base.verdict === cand.verdict) counts.agree += 1;
      if (base.verdict !== 'defect' && cand.verdict === 'defect') counts.ok_to_defect += 1;
      if (base.verdict === 'defect' && cand.verdict !== 'defect') counts.defect_to_ok += 1;
      const diff = Math.abs(base.score - cand.score);
      diffSum += diff;
      diffMax = Math.max(diffMax, diff);
      b.add(base);
      c.add(cand);
      const pair: [number, number] = [base.score, cand.score];
      if (pairs.length < PAIRS_KEEP) pairs.push(pair);
      else {
        // [Vitter's algorithm R] keep each of the n pairs seen with probability PAIRS_KEEP / n.
        const at = Math.floor(random() * counts.frames);
        if (at < PAIRS_KEEP) pairs[at] = pair;
      }
    },
    /** The candidate failed on a frame (inference threw). */
    candidateError() {
      c.error();
    },
    skip() {
      counts.skipped += 1;
    },
    snapshot(): Compare {
      return {
        ...counts,
        score_diff_mean: counts.frames ? diffSum / counts.frames : 0,
        score_diff_max: diffMax,
        baseline: b.snapshot(),
        candidate: c.snapshot(),
        pairs: pairs.map((p) => [p[0], p[1]] as [number, number]),
      };
    },
  };
}

export type Comparison = ReturnType<typeof createComparison>;
