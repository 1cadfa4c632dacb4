import type { KerasModel } from '../backbone/keras.ts';
import { BACKBONE_CREDIT, BACKBONE_SOURCE } from '../backbone/mobilenet.ts';
import type { ManifestInput } from '../manifest/schema.ts';
import type { DefectMask } from '../masks/mask.ts';
import type { ResizeMode } from '../preprocess/letterbox.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import type { Candidate, CandidateOptions } from './candidate.ts';
import {
  classifierGraphBytes,
  type FeatureSpec,
  INPUT_NAME,
  SCORE_NAME,
  tapChannels,
} from './classifier-graph.ts';
import { type CrossValidation, crossValidate } from './cross-validation.ts';
import { fitHeadFast } from './head-ort.ts';
import { createProgressBar } from './progress.ts';

/** A labelled frame; `label` 1 = defect. */
export interface Sample {
  frame: ImageFrame;
  label: 0 | 1;
  /** Where the defect is (a pixel mask, or drawn outlines), when the dataset says; enables the patch head. */
  mask?: DefectMask | null;
}

/** Candidate feature taps (MobileNetV2 expansion outputs at 1/8 and 1/16 resolution) and poolings. */
export const CANDIDATE_TAPS = [
  'block_6_expand_relu',
  'block_10_expand_relu',
  'block_13_expand_relu',
] as const;
export const CANDIDATE_POOLINGS = ['avg', 'max+avg'] as const;

export function backboneInput(height: number, width: number, resize: ResizeMode = 'stretch'): ManifestInput {
  const { colour, mean, std } = BACKBONE_SOURCE.input;
  return {
    name: INPUT_NAME,
    shape: [1, 3, height, width],
    layout: 'NCHW',
    colour,
    resize,
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
 * The pooled candidate on features already extracted (max + avg of every CANDIDATE_TAPS, per image and copy):
 * stratified k-fold CV of a class-balanced logistic head for each feature choice (taps × pooling), the best by
 * mean fold AUROC refitted on all samples, and backbone + head composed into one ONNX graph.
 */
export async function trainPooledFrom(
  backbone: KerasModel,
  samples: readonly Sample[],
  features: { feats: Float32Array[]; augFeats: Float32Array[][] },
  opts: CandidateOptions & { candidates?: Array<Pick<FeatureSpec, 'taps' | 'pooling'>>; lambda?: number },
): Promise<Candidate> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const [, , height, width] = opts.input.shape;
  const { feats, augFeats } = features;
  const taps = CANDIDATE_TAPS;
  const candidates =
    opts.candidates ??
    CANDIDATE_TAPS.flatMap((t) => CANDIDATE_POOLINGS.map((pooling) => ({ taps: [t], pooling })));
  const labels = samples.map((s) => s.label);
  const slice = slicer(backbone, taps);
  const fit = (rows: Float32Array[], ys: number[]) => fitHeadFast(rows, ys, { lambda: opts.lambda ?? 0.1 });
  const fits = opts.progress ? createProgressBar('pooled: fits', candidates.length * opts.folds + 1) : null;
  let best: { c: (typeof candidates)[number]; cv: CrossValidation } | null = null;
  for (const c of candidates) {
    const cv = await crossValidate(
      feats.map((f) => slice(f, c)),
      augFeats.map((fs) => fs.map((f) => slice(f, c))),
      labels,
      {
        folds: opts.folds,
        seed: opts.seed,
        fit: async (rows, ys) => {
          const h = await fit(rows, ys);
          fits?.tick();
          return h;
        },
      },
    );
    log(`pooled ${c.taps.join('+')} ${c.pooling}: CV AUROC ${cv.mean.toFixed(4)} ± ${cv.sd.toFixed(4)}`);
    if (!best || cv.mean > best.cv.mean) best = { c, cv };
  }
  if (!best) throw new Error('trainPooledFrom: no feature candidates');
  const chosen = best;
  const spec: FeatureSpec = { height, width, taps: best.c.taps, pooling: best.c.pooling };
  const rows: Float32Array[] = [];
  const ys: number[] = [];
  samples.forEach((s, i) => {
    for (const f of [feats[i] as Float32Array, ...(augFeats[i] ?? [])]) {
      rows.push(slice(f, chosen.c));
      ys.push(s.label);
    }
  });
  const head = await fit(rows, ys);
  fits?.done();
  const detail = `${spec.taps.join('+')} ${spec.pooling}`;
  const { scores, ...cv } = best.cv;
  return {
    name: 'pooled',
    detail,
    cv,
    oof: scores,
    seconds: (Date.now() - started) / 1000,
    task: 'classify',
    bytes: classifierGraphBytes(backbone, spec, {
      ...head,
      docString: `${BACKBONE_CREDIT} to ${detail} pooling, logistic head`,
    }),
    description: `frozen MobileNetV2 to ${spec.taps.join('+')} (${spec.pooling} pooling) + class-balanced logistic head`,
  };
}

export { SCORE_NAME };
