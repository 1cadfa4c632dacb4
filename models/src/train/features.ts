import { greedyCoreset } from '../anomaly/coreset.ts';
import { type AnomalyFeatureSpec, addAnomalyFeatures } from '../anomaly/features.ts';
import type { CellPool } from '../anomaly/train.ts';
import type { KerasModel } from '../backbone/keras.ts';
import { addKerasLayers } from '../backbone/to-onnx.ts';
import { createGraph } from '../export/graph.ts';
import { FINETUNE_INPUT } from '../finetune/fit.ts';
import type { ManifestInput } from '../manifest/schema.ts';
import { preprocessFrame } from '../preprocess/preprocess.ts';
import { createRng } from '../synthetic/rng.ts';
import { augment, randomAugmentation } from './augment.ts';
import { featureCount, INPUT_NAME, tapChannels } from './classifier-graph.ts';
import { createFrameRunner } from './extract.ts';
import type { PatchSample } from './patch.ts';
import { type CellRows, type CellSampling, createCellSampler } from './patch-cells.ts';
import { addPatchMap, PATCH_STRIDE, patchChannels, patchMapLayers, trainPatchSpec } from './patch-map.ts';
import { createProgressBar } from './progress.ts';
import { CANDIDATE_TAPS } from './transfer.ts';

/** What one shared backbone pass collects for the candidates that will be compared. */
export interface ExtractionPlan {
  pooled: boolean;
  patch: boolean;
  /** Also the fine-tuned block's input at the patch cells. */
  finetune?: boolean;
  anomaly: AnomalyFeatureSpec | null;
}

export interface ExtractedFeatures {
  /** Pooled taps (max + avg of CANDIDATE_TAPS) per image, and per augmented copy. */
  pooled: { feats: Float32Array[]; augFeats: Float32Array[][] } | null;
  /** Class-balanced patch cells per image (all copies). */
  patch: CellRows[] | null;
  /** Candidate memory-bank cells of the good images (original frames only). */
  anomaly: CellPool | null;
  seconds: number;
}

export const OUT = {
  pooled: 'pooled',
  patch: 'patch_map',
  finetune: 'finetune_input',
  anomaly: 'anomaly_features',
} as const;

/** One graph with an output per planned candidate, on one backbone. */
export function extractionGraphBytes(
  backbone: KerasModel,
  input: ManifestInput,
  plan: ExtractionPlan,
): Uint8Array {
  const [, , height, width] = input.shape;
  const spec = trainPatchSpec(input);
  const taps = [
    ...(plan.pooled ? CANDIDATE_TAPS : []),
    ...(plan.patch ? patchMapLayers(spec) : []),
    ...(plan.finetune ? [FINETUNE_INPUT] : []),
    ...(plan.anomaly?.taps ?? []),
  ];
  const g = createGraph('sightline-training-features');
  g.input(INPUT_NAME, [1, 3, height, width]);
  const t = addKerasLayers(g, backbone, { input: INPUT_NAME, until: [...new Set(taps)] });
  if (plan.pooled) {
    const parts = CANDIDATE_TAPS.flatMap((tap) => [
      g.node('GlobalMaxPool', [t.get(tap) as string], `${tap}/gmp`),
      g.node('GlobalAveragePool', [t.get(tap) as string], `${tap}/gap`),
    ]);
    g.node('Flatten', [g.node('Concat', parts, 'pooled/concat', { axis: 1 })], OUT.pooled, { axis: 1 });
    const f = featureCount(backbone, { height, width, taps: CANDIDATE_TAPS, pooling: 'max+avg' });
    g.output(OUT.pooled, [1, f]);
  }
  if (plan.patch) {
    addPatchMap(g, backbone, t, spec, { output: OUT.patch });
    g.output(OUT.patch, [1, patchChannels(backbone, spec), height / PATCH_STRIDE, width / PATCH_STRIDE]);
  }
  if (plan.finetune) {
    g.node('Identity', [t.get(FINETUNE_INPUT) as string], OUT.finetune);
    g.output(OUT.finetune, [
      1,
      tapChannels(backbone, FINETUNE_INPUT),
      height / PATCH_STRIDE,
      width / PATCH_STRIDE,
    ]);
  }
  if (plan.anomaly) {
    const a = plan.anomaly;
    g.node('Identity', [addAnomalyFeatures(g, backbone, t, a, { height, width })], OUT.anomaly);
    g.output(OUT.anomaly, [1, a.dim, height / a.stride, width / a.stride]);
  }
  return g.toBytes();
}

/**
 * The one backbone pass every candidate shares (features cached between candidates): each image and its
 * augmented copies (flips, brightness, contrast; no shift, so masks stay put) run once, on every core, and what
 * each candidate needs is kept: pooled vectors, class-balanced patch cells, good-image anomaly cells.
 */
export async function extractFeatures(
  backbone: KerasModel,
  samples: readonly PatchSample[],
  plan: ExtractionPlan,
  opts: CellSampling & {
    input: ManifestInput;
    augmentations: number;
    seed: number;
    /** Candidate anomaly cells kept in all (over the good images). */
    anomalyPool: number;
    progress?: boolean;
  },
): Promise<ExtractedFeatures> {
  const started = Date.now();
  const runner = await createFrameRunner(
    extractionGraphBytes(backbone, opts.input, plan),
    opts.input,
    OUT.patch,
  );
  const names: string[] = [];
  if (plan.pooled) names.push(OUT.pooled);
  if (plan.patch) names.push(OUT.patch);
  if (plan.finetune) names.push(OUT.finetune);
  if (plan.anomaly) names.push(OUT.anomaly);
  const copies = 1 + opts.augmentations;
  const rng = createRng(opts.seed);
  const cellRng = createRng(opts.seed + 1);
  const sampler = plan.patch
    ? createCellSampler(samples, {
        ...opts,
        stride: PATCH_STRIDE,
        channels: patchChannels(backbone, trainPatchSpec(opts.input)),
        copies,
        rng: cellRng,
      })
    : null;
  const [, , height, width] = opts.input.shape;
  const a = plan.anomaly;
  const cells = a ? (height / a.stride) * (width / a.stride) : 0;
  const good = samples.filter((s) => s.label === 0).length;
  const per = a ? Math.max(1, Math.min(cells, Math.ceil(opts.anomalyPool / Math.max(1, good)))) : 0;
  const pooled = plan.pooled ? { feats: [] as Float32Array[], augFeats: [] as Float32Array[][] } : null;
  const pool: CellPool | null = a ? { dim: a.dim, rows: [], perImage: cells } : null;
  const bar = opts.progress ? createProgressBar('features', samples.length * copies) : null;
  // Jobs in order (image, copy); while onnxruntime runs one, JavaScript prepares the next input and digests
  // the previous output, so both cores stay busy.
  const jobs = samples.flatMap((s, i) =>
    Array.from({ length: copies }, (_, c) => ({
      i,
      aug: c === 0 ? null : { ...randomAugmentation(rng, s.frame), dx: 0, dy: 0 },
    })),
  );
  const prepare = (k: number) => {
    const { i, aug } = jobs[k] as (typeof jobs)[number];
    const frame = (samples[i] as PatchSample).frame;
    return preprocessFrame(aug ? augment(frame, aug) : frame, opts.input);
  };
  let pending = jobs.length > 0 ? runner.runInput(prepare(0), names) : null;
  for (let k = 0; k < jobs.length; k++) {
    const next = k + 1 < jobs.length ? prepare(k + 1) : null;
    // Copy the outputs before the next run starts: onnxruntime may hand the next run the same buffers.
    const raw = await (pending as Promise<Record<string, Float32Array>>);
    const out = Object.fromEntries(Object.entries(raw).map(([n, v]) => [n, Float32Array.from(v)]));
    pending = next ? runner.runInput(next, names) : null;
    const { i, aug } = jobs[k] as (typeof jobs)[number];
    const s = samples[i] as PatchSample;
    if (pooled) {
      const v = out[OUT.pooled] as Float32Array;
      if (!aug) pooled.feats.push(v);
      else {
        pooled.augFeats[i] ??= [];
        pooled.augFeats[i]?.push(v);
      }
    }
    sampler?.collect(i, out[OUT.patch] as Float32Array, aug, out[OUT.finetune]);
    if (a && pool && !aug) {
      const map = out[OUT.anomaly] as Float32Array;
      pool.rows.push(
        s.label === 0 ? imageCoreset(map, a.dim, cells, per, opts.seed + i) : new Float32Array(0),
      );
    }
    bar?.tick();
  }
  if (pooled) for (let i = 0; i < samples.length; i++) pooled.augFeats[i] ??= [];
  bar?.done();
  await runner.release();
  return { pooled, patch: sampler?.rows ?? null, anomaly: pool, seconds: (Date.now() - started) / 1000 };
}

/**
 * `per` cells of a [dim, cells] map as rows: a greedy k-centre coreset within the image (PatchCore keeps every
 * patch as a coreset candidate; keeping each image's most distinct cells keeps its rare normal structure, such
 * as part edges, where an even spread would drop it).
 */
function imageCoreset(
  map: Float32Array,
  dim: number,
  cells: number,
  per: number,
  seed: number,
): Float32Array {
  const rows = new Float32Array(cells * dim);
  for (let k = 0; k < dim; k++)
    for (let i = 0; i < cells; i++) rows[i * dim + k] = map[k * cells + i] as number;
  const pick = greedyCoreset(rows, dim, per, { seed, projectTo: 32 });
  const out = new Float32Array(pick.length * dim);
  pick.forEach((c, r) => {
    out.set(rows.subarray(c * dim, (c + 1) * dim), r * dim);
  });
  return out;
}
