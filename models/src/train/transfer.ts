import type { KerasModel } from '../backbone/keras.ts';
import { BACKBONE_SOURCE } from '../backbone/mobilenet.ts';
import { ModelsError } from '../errors.ts';
import type { ManifestInput } from '../manifest/schema.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import { createRng } from '../synthetic/rng.ts';
import { augment, randomAugmentation } from './augment.ts';
import {
  classifierGraphBytes,
  FEATURES_NAME,
  type FeatureSpec,
  INPUT_NAME,
  SCORE_NAME,
  tapChannels,
} from './classifier-graph.ts';
import { type CrossValidation, crossValidate } from './cross-validation.ts';
import { createFrameRunner } from './extract.ts';
import { fitHead, type Head } from './head.ts';
import type { Outline } from './outlines.ts';
import { PATCH_TAPS, type PatchOptions, patchGraphBytes, patchWork, trainPatchHead } from './patch.ts';
import { createProgressBar } from './progress.ts';

/** A labelled frame; `label` 1 = defect. */
export interface Sample {
  frame: ImageFrame;
  label: 0 | 1;
  /** Defect outlines (normalised polygons) when the dataset has them; enables the patch head. */
  outlines?: readonly Outline[] | null;
}

/** `pooled`: pooled features + one logistic head; `patch`: per-location head trained on outlines; `auto`: patch when every defect image has outlines. */
export type HeadKind = 'auto' | 'pooled' | 'patch';

/** Candidate feature taps (MobileNetV2 expansion outputs at 1/8 and 1/16 resolution) and poolings. */
export const CANDIDATE_TAPS = [
  'block_6_expand_relu',
  'block_10_expand_relu',
  'block_13_expand_relu',
] as const;
export const CANDIDATE_POOLINGS = ['avg', 'max+avg'] as const;

export interface TransferOptions {
  backbone: KerasModel;
  height: number;
  width: number;
  folds: number;
  seed: number;
  /** Augmented copies of each training image (flips, shift, brightness/contrast), head training only. */
  augmentations: number;
  lambda?: number;
  /** Which head (default `auto`). */
  head?: HeadKind;
  /** Patch head: quantise each CV fold's model too, so int8 gets cross-validated figures (see patch.ts). */
  quantizeFold?: PatchOptions['quantizeFold'];
  /** Restrict the search (e.g. tests): default every CANDIDATE_TAPS × CANDIDATE_POOLINGS. */
  candidates?: Array<Pick<FeatureSpec, 'taps' | 'pooling'>>;
  log?: (line: string) => void;
  progress?: boolean;
}

export interface CandidateResult {
  taps: readonly string[];
  pooling: FeatureSpec['pooling'];
  cv: Omit<CrossValidation, 'scores'>;
}

export interface TransferResult {
  spec: FeatureSpec;
  head: Head;
  bytes: Uint8Array;
  input: ManifestInput;
  /** Every candidate's CV; `chosen` is the best by mean fold AUROC. */
  candidates: CandidateResult[];
  chosen: CandidateResult;
  /** Out-of-fold logits of the chosen candidate, one per training sample (for the threshold). */
  oofLogits: number[];
  /** With `quantizeFold`: the same CV with each fold's model quantised, and its out-of-fold logits. */
  cvInt8?: Omit<CrossValidation, 'scores'> | null;
  oofLogitsInt8?: number[] | null;
}

export function backboneInput(height: number, width: number): ManifestInput {
  const { colour, mean, std } = BACKBONE_SOURCE.input;
  return {
    name: INPUT_NAME,
    shape: [1, 3, height, width],
    layout: 'NCHW',
    colour,
    resize: 'stretch',
    mean: [...mean],
    std: [...std],
  };
}

/** Column ranges of each (tap, pooling) block in the all-taps `max+avg` feature vector. */
function slicer(model: KerasModel, taps: readonly string[]) {
  const at = new Map<string, [number, number]>();
  let o = 0;
  for (const t of taps) {
    const c = tapChannels(model, t);
    at.set(t, [o, c]);
    o += 2 * c;
  }
  return (v: Float32Array, pick: Pick<FeatureSpec, 'taps' | 'pooling'>): Float32Array => {
    const parts: Float32Array[] = [];
    for (const t of pick.taps) {
      const [s, c] = at.get(t) as [number, number];
      if (pick.pooling !== 'avg') parts.push(v.subarray(s, s + c));
      if (pick.pooling !== 'max') parts.push(v.subarray(s + c, s + 2 * c));
    }
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let k = 0;
    for (const p of parts) {
      out.set(p, k);
      k += p.length;
    }
    return out;
  };
}

/**
 * Transfer learning on a frozen pretrained backbone: one feature pass over every sample (plus augmented
 * copies), stratified k-fold CV of a class-balanced logistic head for each candidate (taps × pooling), the best
 * candidate by mean fold AUROC refitted on all samples, and backbone + head composed into one ONNX graph.
 */
export async function trainTransfer(
  samples: readonly Sample[],
  opts: TransferOptions,
): Promise<TransferResult> {
  const kind = headKind(samples, opts.head ?? 'auto');
  if (kind === 'patch') return trainPatch(samples, opts);
  const log = opts.log ?? (() => {});
  const candidates =
    opts.candidates ??
    CANDIDATE_TAPS.flatMap((t) => CANDIDATE_POOLINGS.map((pooling) => ({ taps: [t], pooling })));
  const taps = CANDIDATE_TAPS.filter((t) => candidates.some((c) => c.taps.includes(t)));
  const all: FeatureSpec = { height: opts.height, width: opts.width, taps, pooling: 'max+avg' };
  const input = backboneInput(opts.height, opts.width);
  const runner = await createFrameRunner(classifierGraphBytes(opts.backbone, all), input, FEATURES_NAME);
  const rng = createRng(opts.seed);
  const bar = opts.progress ? createProgressBar('features', samples.length * (1 + opts.augmentations)) : null;
  const feats: Float32Array[] = [];
  const augFeats: Float32Array[][] = [];
  for (const s of samples) {
    feats.push(await runner.run(s.frame));
    const extra: Float32Array[] = [];
    for (let a = 0; a < opts.augmentations; a++) {
      extra.push(await runner.run(augment(s.frame, randomAugmentation(rng, s.frame))));
    }
    augFeats.push(extra);
    bar?.tick(1 + opts.augmentations);
  }
  bar?.done();
  await runner.release();

  const labels = samples.map((s) => s.label);
  const slice = slicer(opts.backbone, taps);
  const fit = (rows: Float32Array[], ys: number[]) => fitHead(rows, ys, { lambda: opts.lambda ?? 0.1 });
  const results: Array<CandidateResult & { scores: number[] }> = [];
  for (const c of candidates) {
    const cv = crossValidate(
      feats.map((f) => slice(f, c)),
      augFeats.map((fs) => fs.map((f) => slice(f, c))),
      labels,
      { folds: opts.folds, seed: opts.seed, fit },
    );
    log(
      `cv ${c.taps.join('+')} ${c.pooling}: AUROC ${cv.mean.toFixed(4)} ± ${cv.sd.toFixed(4)} (pooled ${cv.pooled.toFixed(4)})`,
    );
    const { scores, ...rest } = cv;
    results.push({ taps: c.taps, pooling: c.pooling, cv: rest, scores });
  }
  const best = results.reduce((a, b) => (b.cv.mean > a.cv.mean ? b : a));
  const spec: FeatureSpec = {
    height: opts.height,
    width: opts.width,
    taps: best.taps,
    pooling: best.pooling,
  };
  const rows: Float32Array[] = [];
  const ys: number[] = [];
  samples.forEach((s, i) => {
    for (const f of [feats[i] as Float32Array, ...(augFeats[i] ?? [])]) {
      rows.push(slice(f, best));
      ys.push(s.label);
    }
  });
  const head = fit(rows, ys);
  const bytes = classifierGraphBytes(opts.backbone, spec, {
    ...head,
    docString: `MobileNetV2 (${BACKBONE_SOURCE.package}@${BACKBONE_SOURCE.version}, ${BACKBONE_SOURCE.licence}) to ${spec.taps.join('+')}, ${spec.pooling} pooling, logistic head`,
  });
  const strip = ({ scores: _s, ...r }: (typeof results)[number]): CandidateResult => r;
  return {
    spec,
    head,
    bytes,
    input,
    candidates: results.map(strip),
    chosen: strip(best),
    oofLogits: best.scores,
  };
}

export { SCORE_NAME };

/** The head `auto` resolves to; `patch` without outlines on every defect image is refused with the reason. */
export function headKind(samples: readonly Sample[], asked: HeadKind): 'pooled' | 'patch' {
  const defects = samples.filter((s) => s.label === 1);
  const outlined = defects.filter((s) => (s.outlines?.length ?? 0) > 0).length;
  if (asked === 'pooled') return 'pooled';
  if (outlined === defects.length && defects.length > 0) return 'patch';
  if (asked === 'auto') return 'pooled';
  throw new ModelsError(
    'SL_DATASET_INVALID',
    `--head patch needs an outline for every defect image (labels/NAME.txt beside defect/, YOLO polygons); ${outlined} of ${defects.length} have one`,
  );
}

async function trainPatch(samples: readonly Sample[], opts: TransferOptions): Promise<TransferResult> {
  const log = opts.log ?? (() => {});
  const spec: FeatureSpec = { height: opts.height, width: opts.width, taps: PATCH_TAPS, pooling: 'patch' };
  const input = backboneInput(opts.height, opts.width);
  const bar = opts.progress
    ? createProgressBar(
        'patch head',
        patchWork(samples.length, opts.augmentations, opts.folds, opts.quantizeFold !== undefined),
      )
    : null;
  const t = await trainPatchHead(
    opts.backbone,
    samples.map((s) => ({ frame: s.frame, label: s.label, outlines: s.outlines ?? null })),
    {
      spec,
      input,
      folds: opts.folds,
      seed: opts.seed,
      augmentations: opts.augmentations,
      lambda: opts.lambda,
      bar,
      quantizeFold: opts.quantizeFold,
    },
  );
  bar?.done();
  const { scores, ...cv } = t.cv;
  log(
    `cv ${spec.taps.join('+')} patch: AUROC ${cv.mean.toFixed(4)} ± ${cv.sd.toFixed(4)} (pooled ${cv.pooled.toFixed(4)}); ${t.cells.defect} defect cells, ${t.cells.good} good cells`,
  );
  const bytes = patchGraphBytes(opts.backbone, spec, {
    ...t.head,
    docString: `MobileNetV2 (${BACKBONE_SOURCE.package}@${BACKBONE_SOURCE.version}, ${BACKBONE_SOURCE.licence}) to ${spec.taps.join('+')}, logistic head per 8×8 location, max over locations`,
  });
  if (t.cvInt8) {
    log(
      `cv int8 (each fold quantised): AUROC ${t.cvInt8.mean.toFixed(4)} ± ${t.cvInt8.sd.toFixed(4)} (pooled ${t.cvInt8.pooled.toFixed(4)})`,
    );
  }
  const chosen: CandidateResult = { taps: spec.taps, pooling: 'patch', cv };
  const { scores: oofInt8 = null, ...cvInt8 } = t.cvInt8 ?? {};
  return {
    spec,
    head: t.head,
    bytes,
    input,
    candidates: [chosen],
    chosen,
    oofLogits: scores,
    cvInt8: t.cvInt8 ? (cvInt8 as Omit<CrossValidation, 'scores'>) : null,
    oofLogitsInt8: oofInt8,
  };
}
