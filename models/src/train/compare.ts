import { trainAnomaly } from '../anomaly/candidate.ts';
import { ANOMALY_DEFAULTS } from '../anomaly/train.ts';
import type { KerasModel } from '../backbone/keras.ts';
import { ModelsError } from '../errors.ts';
import { trainFinetuned } from '../finetune/candidate.ts';
import { type Candidate, type CandidateOptions, candidateRow, formatTable } from './candidate.ts';
import { extractFeatures } from './features.ts';
import type { PatchSample } from './patch.ts';
import { trainPatchFrom } from './patch-candidate.ts';
import { trainPooledFrom } from './transfer.ts';

/** `--head`: `auto` compares every candidate the data allows; the others train that one only. */
export type HeadChoice = 'auto' | 'pooled' | 'patch' | 'anomaly';

/** Defect images with a non-empty mask the patch head needs at the least (fewer cannot be cross-validated). */
export const MIN_MASKED = 3;

export interface Comparison {
  candidates: Candidate[];
  chosen: Candidate;
  table: Array<ReturnType<typeof candidateRow>>;
  extractSeconds: number;
}

/** Which candidates `head` and the data allow; `patch` without masks (or `pooled` without defects) says why. */
export function plannedCandidates(samples: readonly PatchSample[], head: HeadChoice) {
  const defects = samples.filter((s) => s.label === 1).length;
  const masked = samples.filter((s) => s.label === 1 && s.mask).length;
  if (head === 'patch' && masked < MIN_MASKED) {
    throw new ModelsError(
      'SL_DATASET_INVALID',
      `--head patch needs defect masks (NAME_mask.png beside the image, masks/NAME.png, ground_truth/KIND/NAME_mask.png or YOLO outlines in labels/NAME.txt) on at least ${MIN_MASKED} defect images; ${masked} of ${defects} have a non-empty one`,
    );
  }
  if (head === 'pooled' && defects < 5) {
    throw new ModelsError(
      'SL_DATASET_INVALID',
      `--head pooled needs at least 5 defect images; found ${defects}`,
    );
  }
  return {
    pooled: (head === 'auto' || head === 'pooled') && defects >= 5,
    patch: (head === 'auto' || head === 'patch') && masked >= MIN_MASKED,
    finetune: head === 'auto' && masked >= MIN_MASKED,
    anomaly: head === 'auto' || head === 'anomaly',
  };
}

const rank = (c: Candidate) => (Number.isNaN(c.cv.mean) ? Number.NEGATIVE_INFINITY : c.cv.mean);

/**
 * Trains every planned candidate on one shared feature pass, cross-validated on the same stratified folds, logs
 * the table and keeps the best by mean fold AUROC (ties: the earlier, simpler one).
 */
export async function compareCandidates(
  backbone: KerasModel,
  samples: readonly PatchSample[],
  opts: CandidateOptions & { head: HeadChoice; bankSize?: number },
): Promise<Comparison> {
  const log = opts.log ?? (() => {});
  const plan = plannedCandidates(samples, opts.head);
  const spec = { ...ANOMALY_DEFAULTS.spec, seed: opts.seed };
  const features = await extractFeatures(
    backbone,
    samples,
    { pooled: plan.pooled, patch: plan.patch, finetune: plan.finetune, anomaly: plan.anomaly ? spec : null },
    { ...opts, anomalyPool: ANOMALY_DEFAULTS.pool },
  );
  log(`features: ${samples.length} images × ${1 + opts.augmentations} in ${features.seconds.toFixed(0)} s`);
  const candidates: Candidate[] = [];
  if (features.pooled) candidates.push(await trainPooledFrom(backbone, samples, features.pooled, opts));
  if (features.patch) {
    const patch = await trainPatchFrom(backbone, samples, features.patch, opts);
    candidates.push(patch);
    if (plan.finetune) candidates.push(await trainFinetuned(backbone, samples, features.patch, patch, opts));
  }
  if (features.anomaly) candidates.push(await trainAnomaly(backbone, samples, features.anomaly, spec, opts));
  const chosen = candidates.reduce((a, b) => (rank(b) > rank(a) ? b : a));
  const table = candidates
    .map((c) => candidateRow(c, c === chosen))
    .sort((a, b) => (b.cv_auroc_mean || -1) - (a.cv_auroc_mean || -1));
  for (const line of formatTable(table)) log(line);
  return { candidates, chosen, table, extractSeconds: features.seconds };
}
