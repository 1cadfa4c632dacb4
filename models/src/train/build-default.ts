import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KerasModel } from '../backbone/keras.ts';
import { BACKBONE_SOURCE, loadMobileNetV2 } from '../backbone/mobilenet.ts';
import { addKerasLayers } from '../backbone/to-onnx.ts';
import { createGraph } from '../export/graph.ts';
import { sha256Hex } from '../manifest/load.ts';
import { type Manifest, Manifest as ManifestSchema } from '../manifest/schema.ts';
import { quantizeOnFrames } from '../quantize/index.ts';
import { DEFECT_KINDS, type DefectKind } from '../synthetic/frame.ts';
import { childSeed, createRng } from '../synthetic/rng.ts';
import { createPartStream, type SyntheticPart } from '../synthetic/stream.ts';
import {
  classifierGraphBytes,
  FEATURES_NAME,
  type FeatureSpec,
  featureCount,
  INPUT_NAME,
  SCORE_NAME,
  tapChannels,
} from './classifier-graph.ts';
import { describeSet, type SeededSet } from './dataset.ts';
import { createFrameRunner } from './extract.ts';
import { fitHead, type Head, headLogit } from './head.ts';
import { auroc, binaryMetrics, pickThreshold } from './metrics.ts';
import { addPatchHead, PATCH_STRIDE, PATCH_TAPS, plattScaling, trainPatchHead, withPlatt } from './patch.ts';
import { backboneInput } from './transfer.ts';

export interface BuildOptions {
  outDir: string;
  seed: number;
  trainParts?: number;
  validationParts?: number;
  evaluationParts?: number;
  /** ISO time for the manifest; default now. Pin it to make manifest.json reproducible too. */
  created?: string;
  /** One line per stage. */
  log?: (line: string) => void;
}

export interface BuildResult {
  manifest: Manifest;
  onnxPath: string;
  manifestPath: string;
}

/** The float graph the int8 model was quantised from, kept beside it (speed and accuracy comparisons). */
export const FP32_TWIN = 'model.fp32.onnx';

/** Input side of the default model (frames are resized to it): gray parts replicated to RGB. */
export const DEFAULT_SIZE = 192;
/** The assembly head's tap: 1/16 resolution, whose cells see a whole quadrant of the plate. */
export const ASSEMBLY_TAP = 'block_13_expand_relu';
/** Defect kinds that change what is there rather than the surface: the patch head cannot see an absence. */
const ASSEMBLY_KINDS: readonly DefectKind[] = ['missing-feature'];

/**
 * One graph, two heads on one MobileNetV2 trunk, score = the larger:
 * - surface: blocks 4–6 at 1/8 resolution → a logistic head per cell → highest 2×2 window → Sigmoid
 *   (scratches, spots, cracks: `patch.ts`);
 * - assembly: block 13 expansion, global max + average pooling → logistic head → Sigmoid (a bolt hole that
 *   was never drilled is an absence no single cell shows).
 * Both heads carry their Platt scaling, so their Sigmoids are comparable probabilities.
 */
export function defaultGraphBytes(
  backbone: KerasModel,
  size: number,
  surface: Head,
  assembly: Head,
  docString?: string,
): Uint8Array {
  const g = createGraph('sightline-default');
  g.input(INPUT_NAME, [1, 3, size, size]);
  const t = addKerasLayers(g, backbone, { input: INPUT_NAME, until: [...PATCH_TAPS, ASSEMBLY_TAP] });
  const c = PATCH_TAPS.reduce((s, x) => s + tapChannels(backbone, x), 0);
  const cat = g.node(
    'Concat',
    PATCH_TAPS.map((x) => t.get(x) as string),
    'surface/concat',
    { axis: 1 },
  );
  const s1 = addPatchHead(g, cat, c, surface, 'surface', 'surface/score');
  const a = t.get(ASSEMBLY_TAP) as string;
  const pooled = g.node(
    'Concat',
    [g.node('GlobalMaxPool', [a], 'assembly/gmp'), g.node('GlobalAveragePool', [a], 'assembly/gap')],
    'assembly/pooled',
    { axis: 1 },
  );
  const f = featureCount(backbone, assemblySpec(size));
  const wa = g.initializer('assembly/W', assembly.weights, [f, 1]);
  const ba = g.initializer('assembly/B', [assembly.bias], [1]);
  const flat = g.node('Flatten', [pooled], 'assembly/flat', { axis: 1 });
  const s2 = g.node('Sigmoid', [g.node('Gemm', [flat, wa, ba], 'assembly/logit')], 'assembly/score');
  g.node('Max', [s1, s2], SCORE_NAME);
  g.output(SCORE_NAME, [1, 1]);
  return g.toBytes({ docString });
}

function assemblySpec(size: number): FeatureSpec {
  return { height: size, width: size, taps: [ASSEMBLY_TAP], pooling: 'max+avg' };
}

function renderSet(set: SeededSet): SyntheticPart[] {
  const stream = createPartStream({ seed: set.seed, defectRate: set.defectRate, masks: true });
  return Array.from({ length: set.n }, () => stream.next());
}

/**
 * Builds the default model from synthetic parts: surface head on the parts' defect masks, assembly head on
 * missing-feature parts, one graph, static int8 (calibrated on training parts); threshold = best F1 of the
 * int8 model on a validation set; figures on a fresh evaluation set. Writes `model.onnx` + `manifest.json`.
 */
export async function buildDefaultModel(opts: BuildOptions): Promise<BuildResult> {
  const log = opts.log ?? (() => {});
  const seeds = createRng(opts.seed);
  const train: SeededSet = { seed: childSeed(seeds), n: opts.trainParts ?? 1000, defectRate: 0.5 };
  const validation: SeededSet = { seed: childSeed(seeds), n: opts.validationParts ?? 500, defectRate: 0.15 };
  const evaluation: SeededSet = { seed: childSeed(seeds), n: opts.evaluationParts ?? 1200, defectRate: 0.15 };
  const size = DEFAULT_SIZE;
  const input = backboneInput(size, size);
  const backbone = await loadMobileNetV2();

  log(`train: rendering ${train.n} parts (seed ${train.seed}, half defective, with defect masks)`);
  const parts = renderSet(train);
  const surfaceParts = parts.filter((p) => !p.defects.some((k) => ASSEMBLY_KINDS.includes(k)));
  const patch = await trainPatchHead(
    backbone,
    surfaceParts.map((p) => ({
      frame: p.frame,
      label: p.truth === 'defect' ? 1 : 0,
      mask: { width: p.frame.width, height: p.frame.height, data: p.mask as Uint8Array },
    })),
    {
      spec: { height: size, width: size, taps: PATCH_TAPS, pooling: 'patch' },
      input,
      folds: 3,
      seed: opts.seed,
      augmentations: 0,
    },
  );
  log(
    `surface head: ${patch.cells.defect} defect / ${patch.cells.good} good cells (1/${PATCH_STRIDE} res), 3-fold CV AUROC ${patch.cv.mean.toFixed(4)} on ${surfaceParts.length} parts`,
  );

  const features = await createFrameRunner(
    classifierGraphBytes(backbone, assemblySpec(size)),
    input,
    FEATURES_NAME,
    {
      threads: 1,
    },
  );
  const rows: Float32Array[] = [];
  for (const p of parts) rows.push(await features.run(p.frame));
  await features.release();
  const missing = parts.map((p) => (p.defects.some((k) => ASSEMBLY_KINDS.includes(k)) ? 1 : 0));
  const raw = fitHead(rows, missing, { lambda: 0.1 });
  const platt = plattScaling(
    rows.map((r) => headLogit(raw, r)),
    missing,
  );
  const assembly = withPlatt(raw, platt);
  log(
    `assembly head: ${missing.filter((m) => m).length} missing-feature parts against ${parts.length - missing.filter((m) => m).length} others`,
  );

  const fp32 = defaultGraphBytes(
    backbone,
    size,
    patch.head,
    assembly,
    `Default Sightline model: MobileNetV2 (${BACKBONE_SOURCE.package}@${BACKBONE_SOURCE.version}, ${BACKBONE_SOURCE.licence}) with a surface head per 8×8 cell and an assembly head, trained on synthetic parts`,
  );
  const q = await quantizeOnFrames(
    fp32,
    parts.map((p) => p.frame),
    input,
  );
  const bytes = q.model;
  log(
    `int8: ${Object.entries(q.report.fused)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}; ${fp32.length} → ${bytes.length} bytes`,
  );

  const model = await createFrameRunner(bytes, input, SCORE_NAME, { threads: 1 });
  const scoreSet = async (set: SeededSet, what: string) => {
    const stream = createPartStream({ seed: set.seed, defectRate: set.defectRate });
    const scores: number[] = [];
    const labels: number[] = [];
    const kinds: DefectKind[][] = [];
    for (let i = 0; i < set.n; i++) {
      const p = stream.next();
      scores.push((await model.run(p.frame))[0] as number);
      labels.push(p.truth === 'defect' ? 1 : 0);
      kinds.push(p.defects);
      if ((i + 1) % 250 === 0) log(`${what}: ${i + 1}/${set.n}`);
    }
    return { scores, labels, kinds };
  };
  const val = await scoreSet(validation, 'validation');
  const threshold = pickThreshold(val.scores, val.labels);
  const valMetrics = binaryMetrics(val.scores, val.labels, threshold);
  log(
    `validation: threshold ${threshold.toFixed(4)} (precision ${valMetrics.precision.toFixed(4)}, recall ${valMetrics.recall.toFixed(4)})`,
  );
  const ev = await scoreSet(evaluation, 'evaluation');
  await model.release();
  const m = binaryMetrics(ev.scores, ev.labels, threshold);
  const recallByKind = Object.fromEntries(
    DEFECT_KINDS.map((k) => {
      const idx = ev.kinds.flatMap((ks, i) => (ks.includes(k) ? [i] : []));
      return [k, idx.filter((i) => (ev.scores[i] as number) >= threshold).length / Math.max(1, idx.length)];
    }),
  );
  log(
    `evaluation: precision ${m.precision.toFixed(4)}, recall ${m.recall.toFixed(4)}; recall by kind ${Object.entries(
      recallByKind,
    )
      .map(([k, v]) => `${k} ${v.toFixed(3)}`)
      .join(', ')}`,
  );

  const manifest = ManifestSchema.parse({
    id: 'default',
    version: '2.0.0',
    task: 'classify',
    file: 'model.onnx',
    input,
    output: { name: SCORE_NAME, decode: 'sigmoid-score' },
    labels: ['ok', 'defect'],
    threshold,
    evaluation: {
      precision: m.precision,
      recall: m.recall,
      accuracy: m.accuracy,
      auroc: auroc(ev.scores, ev.labels),
      n: ev.labels.length,
      positives: ev.labels.filter((l) => l === 1).length,
      threshold,
      dataset: describeSet(evaluation),
    },
    sha256: sha256Hex(bytes),
    created: opts.created ?? new Date().toISOString(),
    description:
      'Static int8 MobileNetV2 trunk (nsfwjs weights) with two logistic heads trained on synthetic parts: ' +
      'surface defects per 8×8 cell (blocks 4–6) and missing features (block 13, pooled); score = the larger.',
    training: {
      seed: opts.seed,
      train: describeSet(train),
      validation: { dataset: describeSet(validation), ...valMetrics },
      surface: {
        taps: PATCH_TAPS,
        cells: patch.cells,
        cv: { ...patch.cv, scores: undefined },
        platt: patch.platt,
      },
      assembly: { tap: ASSEMBLY_TAP, pooling: 'max+avg', platt },
      precision: 'int8',
      fp32Twin: { file: FP32_TWIN, sha256: sha256Hex(fp32) },
      quantization: {
        fused: q.report.fused,
        floatNodes: q.report.floatNodes,
        bytesBefore: q.report.bytesBefore,
        bytesAfter: q.report.bytesAfter,
      },
      confusion: { tp: m.tp, fp: m.fp, tn: m.tn, fn: m.fn },
      recallByKind,
    },
  } satisfies Manifest);

  await mkdir(opts.outDir, { recursive: true });
  const onnxPath = join(opts.outDir, manifest.file);
  const manifestPath = join(opts.outDir, 'manifest.json');
  await writeFile(onnxPath, bytes);
  await writeFile(join(opts.outDir, FP32_TWIN), fp32);
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  log(`wrote ${onnxPath} (${bytes.length} bytes) and ${manifestPath}`);
  return { manifest, onnxPath, manifestPath };
}
