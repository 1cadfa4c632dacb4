import type { KerasModel } from '../backbone/keras.ts';
import { BACKBONE_CREDIT } from '../backbone/mobilenet.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import type { Candidate, CandidateOptions } from '../train/candidate.ts';
import { stratifiedFolds, summariseFolds } from '../train/cross-validation.ts';
import { createProgressBar, type ProgressBar } from '../train/progress.ts';
import type { AnomalyFeatureSpec } from './features.ts';
import type { MemoryBank } from './knn-graph.ts';
import { anomalyGraphBytes } from './model.ts';
import { anomalyScores, buildBank, type CellPool } from './train.ts';

/**
 * The good-only anomaly candidate: for each fold a memory bank from the cells of that fold's good training
 * images (defect images never enter a bank), scoring the held-out images with the exported graph; then the
 * bank of every good image. Needs no defect image at all (its CV AUROC does).
 */
export async function trainAnomaly(
  backbone: KerasModel,
  samples: ReadonlyArray<{ frame: ImageFrame; label: 0 | 1 }>,
  pool: CellPool,
  spec: AnomalyFeatureSpec,
  opts: CandidateOptions & { bankSize?: number },
): Promise<Candidate> {
  const started = Date.now();
  const [, , height, width] = opts.input.shape;
  const size = { height, width };
  const labels = samples.map((s) => s.label as number);
  const fold = stratifiedFolds(labels, opts.folds, opts.seed);
  const bank = (use: number[], label: string): MemoryBank => {
    let bar: ProgressBar | null = null;
    let last = 0;
    const m = buildBank(pool, use, {
      seed: opts.seed,
      bankSize: opts.bankSize,
      onProgress: (_stage, done, total) => {
        if (!opts.progress) return;
        bar ??= createProgressBar(label, total);
        bar.tick(done - last);
        last = done;
      },
    });
    (bar as ProgressBar | null)?.done();
    return m;
  };
  const banks: MemoryBank[] = [];
  const scoring = opts.progress
    ? createProgressBar('anomaly: scoring held-out images', samples.length)
    : null;
  const oof = new Array<number>(samples.length).fill(Number.NaN);
  for (let k = 0; k < opts.folds; k++) {
    const b = bank(
      labels.flatMap((l, i) => (l === 0 && fold[i] !== k ? [i] : [])),
      `anomaly: coreset ${k + 1}/${opts.folds}`,
    );
    banks.push(b);
    const held = labels.flatMap((_, i) => (fold[i] === k ? [i] : []));
    const s = await anomalyScores(
      anomalyGraphBytes(backbone, spec, size, b),
      opts.input,
      held.map((i) => (samples[i] as { frame: ImageFrame }).frame),
      () => scoring?.tick(),
    );
    held.forEach((i, j) => {
      oof[i] = s[j] as number;
    });
  }
  scoring?.done();
  const final = bank(
    labels.flatMap((l, i) => (l === 0 ? [i] : [])),
    'anomaly: coreset (all)',
  );
  const { scores, ...cv } = summariseFolds(oof, labels, fold, opts.folds);
  const w = spec.window ?? 1;
  const detail = `${spec.taps.join('+')} 3×3, ${spec.dim}-d, bank ${final.size}, highest ${w}×${w} window`;
  const doc = `${BACKBONE_CREDIT}, PatchCore-style memory bank of good parts: ${detail}`;
  return {
    name: 'anomaly',
    detail,
    cv,
    oof: scores,
    seconds: (Date.now() - started) / 1000,
    task: 'anomaly',
    bytes: anomalyGraphBytes(backbone, spec, size, final, doc),
    foldModel: (k) => anomalyGraphBytes(backbone, spec, size, banks[k] as MemoryBank),
    description: `good-only anomaly model: ${detail}, nearest-neighbour distance with PatchCore reweighting`,
    notes: { bank: final.size, candidates: pool.rows.reduce((s, r) => s + r.length / pool.dim, 0) },
  };
}
