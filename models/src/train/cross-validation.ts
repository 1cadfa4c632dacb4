import { createRng, shuffle } from '../synthetic/rng.ts';
import { type Head, headLogit } from './head.ts';
import { auroc } from './metrics.ts';

/** Stratified k-fold assignment: fold index per sample, each class spread evenly over folds (seeded). */
export function stratifiedFolds(labels: readonly number[], k: number, seed: number): number[] {
  const rng = createRng(seed);
  const fold = new Array<number>(labels.length).fill(0);
  for (const cls of [0, 1]) {
    const idx = shuffle(
      rng,
      labels.flatMap((l, i) => (l === cls ? [i] : [])),
    );
    idx.forEach((i, r) => {
      fold[i] = r % k;
    });
  }
  return fold;
}

export interface CrossValidation {
  folds: number;
  /** AUROC per fold (NaN when a fold holds one class only). */
  aurocs: number[];
  mean: number;
  sd: number;
  /** AUROC of all out-of-fold scores pooled. */
  pooled: number;
  /** Out-of-fold logit per sample (logits, not probabilities: saturated sigmoids would tie). */
  scores: number[];
}

/**
 * k-fold CV of a head on precomputed features. `augmented[i]` are extra feature rows of sample i's augmented
 * copies, used for training only (never scored), so no augmented twin of a test image is in its training fold.
 */
export async function crossValidate(
  features: readonly Float32Array[],
  augmented: readonly (readonly Float32Array[])[],
  labels: readonly number[],
  opts: {
    folds: number;
    seed: number;
    fit: (rows: Float32Array[], labels: number[]) => Head | Promise<Head>;
  },
): Promise<CrossValidation> {
  const fold = stratifiedFolds(labels, opts.folds, opts.seed);
  const scores = new Array<number>(labels.length).fill(Number.NaN);
  for (let k = 0; k < opts.folds; k++) {
    const rows: Float32Array[] = [];
    const ys: number[] = [];
    labels.forEach((l, i) => {
      if (fold[i] === k) return;
      for (const r of [features[i] as Float32Array, ...(augmented[i] ?? [])]) {
        rows.push(r);
        ys.push(l);
      }
    });
    const head = await opts.fit(rows, ys);
    labels.forEach((_, i) => {
      if (fold[i] === k) scores[i] = headLogit(head, features[i] as Float32Array);
    });
  }
  return summariseFolds(scores, labels, fold, opts.folds);
}

/** Per-fold and pooled AUROC of out-of-fold `scores` (`fold[i]` = the fold sample i was held out in). */
export function summariseFolds(
  scores: number[],
  labels: readonly number[],
  fold: readonly number[],
  folds: number,
): CrossValidation {
  const aurocs: number[] = [];
  for (let k = 0; k < folds; k++) {
    const test = labels.flatMap((_, i) => (fold[i] === k ? [i] : []));
    aurocs.push(
      auroc(
        test.map((i) => scores[i] as number),
        test.map((i) => labels[i] as number),
      ),
    );
  }
  const ok = aurocs.filter((a) => !Number.isNaN(a));
  const mean = ok.reduce((a, b) => a + b, 0) / Math.max(ok.length, 1);
  const sd = Math.sqrt(ok.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(ok.length - 1, 1));
  return { folds, aurocs, mean, sd, pooled: auroc(scores, [...labels]), scores };
}
