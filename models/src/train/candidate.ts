import type { ManifestInput } from '../manifest/schema.ts';
import type { CrossValidation } from './cross-validation.ts';
import type { Head } from './head.ts';

/** What `train` compares: each is cross-validated on the same stratified folds of the same images. */
export type CandidateName = 'pooled' | 'patch' | 'patch-finetuned' | 'anomaly';

export type FoldSummary = Omit<CrossValidation, 'scores'>;

export interface CandidateOptions {
  input: ManifestInput;
  folds: number;
  seed: number;
  /** Augmented copies of each training image (flips, brightness/contrast), for fitting only. */
  augmentations: number;
  log?: (line: string) => void;
  progress?: boolean;
}

/** One cross-validated candidate with its final model (fitted on every training image). */
export interface Candidate {
  name: CandidateName;
  /** Its feature choice, e.g. `block_10_expand_relu max+avg`. */
  detail: string;
  cv: FoldSummary;
  /**
   * Out-of-fold score per training image on the model's monotone pre-output scale: the logit for `classify`
   * (the graph ends in a Sigmoid), the raw distance for `anomaly`.
   */
  oof: number[];
  seconds: number;
  task: 'classify' | 'anomaly';
  /** The final fp32 graph. */
  bytes: Uint8Array;
  /** The fp32 graph of fold k's fit, when the candidate can rebuild it (int8 cross-validation). */
  foldModel?: (k: number) => Uint8Array;
  description: string;
  /** The final fitted head, where the candidate has one (checks against the graph). */
  head?: Head;
  /** The L2 strength its head was fitted with (fine-tuning keeps it). */
  lambda?: number;
  /** Each fold's head (a starting point for fine-tuning). */
  foldHeads?: Head[];
  /** Anything else worth recording in the manifest's `training`. */
  notes?: Record<string, unknown>;
}

/** A graph output value back on the candidate's `oof` scale. */
export function fromOutput(task: Candidate['task'], v: number): number {
  if (task === 'anomaly') return v;
  const c = Math.min(1 - 1e-7, Math.max(1e-7, v));
  return Math.log(c / (1 - c));
}

/** The row `train` prints and records for a candidate. */
export function candidateRow(c: Candidate, chosen: boolean) {
  return {
    candidate: c.name,
    features: c.detail,
    cv_auroc_mean: c.cv.mean,
    cv_auroc_sd: c.cv.sd,
    cv_auroc_pooled: c.cv.pooled,
    seconds: Math.round(c.seconds * 10) / 10,
    chosen,
  };
}

/** The table as aligned text lines, best first. */
export function formatTable(rows: ReadonlyArray<ReturnType<typeof candidateRow>>): string[] {
  const f = (x: number) => (Number.isNaN(x) ? '  —  ' : x.toFixed(4));
  return [
    'candidate        CV AUROC (mean ± sd, pooled)   time   features',
    ...rows.map(
      (r) =>
        `${r.chosen ? '*' : ' '} ${r.candidate.padEnd(15)} ${f(r.cv_auroc_mean)} ± ${f(r.cv_auroc_sd)}  ${f(r.cv_auroc_pooled)}  ${`${r.seconds.toFixed(0)}s`.padStart(6)}   ${r.features}`,
    ),
  ];
}
