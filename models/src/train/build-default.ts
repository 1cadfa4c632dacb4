import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../manifest/load.ts';
import { type Manifest, Manifest as ManifestSchema } from '../manifest/schema.ts';
import { childSeed, createRng } from '../synthetic/rng.ts';
import { describeSet, runOnSet, type SeededSet } from './dataset.ts';
import { FEATURE_NAMES } from './features.ts';
import { fitLogistic } from './logistic.ts';
import { auroc, binaryMetrics, pickThreshold } from './metrics.ts';
import {
  DEFAULT_INPUT,
  FEATURES_NAME,
  featureGraphBytes,
  modelGraphBytes,
  OUTPUT_NAME,
} from './model-graph.ts';
import { createRunner } from './session.ts';

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

const LAMBDA = 0.3;

/**
 * Builds the default model: features of seeded synthetic parts → logistic head → threshold on a validation
 * split → evaluation on a fresh seeded set → `model.onnx` + `manifest.json` in `outDir`.
 * Same seed ⇒ same ONNX bytes (single-threaded WASM inference and a deterministic solver).
 */
export async function buildDefaultModel(opts: BuildOptions): Promise<BuildResult> {
  const log = opts.log ?? (() => {});
  const seeds = createRng(opts.seed);
  const train: SeededSet = { seed: childSeed(seeds), n: opts.trainParts ?? 800, defectRate: 0.5 };
  const validation: SeededSet = { seed: childSeed(seeds), n: opts.validationParts ?? 500, defectRate: 0.15 };
  const evaluation: SeededSet = { seed: childSeed(seeds), n: opts.evaluationParts ?? 1200, defectRate: 0.15 };
  const io = { input: DEFAULT_INPUT.name, shape: DEFAULT_INPUT.shape };

  log(`features: ${FEATURE_NAMES.length} per part; rendering ${train.n} training parts (seed ${train.seed})`);
  const features = await createRunner(featureGraphBytes(), { ...io, output: FEATURES_NAME });
  const trainSet = await runOnSet(features, DEFAULT_INPUT, train, (k) => log(`train: ${k}/${train.n} parts`));
  await features.release();

  const fit = fitLogistic(trainSet.outputs, trainSet.labels, { lambda: LAMBDA });
  log(`train: logistic head fitted in ${fit.iterations} Newton steps (L2 λ=${LAMBDA})`);
  const bytes = modelGraphBytes(fit.weights, fit.bias);

  const model = await createRunner(bytes, { ...io, output: OUTPUT_NAME });
  const score = (s: { outputs: Float32Array[] }) => s.outputs.map((o) => o[0] ?? Number.NaN);
  const valSet = await runOnSet(model, DEFAULT_INPUT, validation, (k) =>
    log(`validation: ${k}/${validation.n}`),
  );
  const threshold = pickThreshold(score(valSet), valSet.labels);
  const valMetrics = binaryMetrics(score(valSet), valSet.labels, threshold);
  log(
    `validation: threshold ${threshold.toFixed(4)} (precision ${valMetrics.precision.toFixed(4)}, recall ${valMetrics.recall.toFixed(4)})`,
  );

  const evalSet = await runOnSet(model, DEFAULT_INPUT, evaluation, (k) =>
    log(`evaluation: ${k}/${evaluation.n}`),
  );
  await model.release();
  const evalScores = score(evalSet);
  const m = binaryMetrics(evalScores, evalSet.labels, threshold);
  const positives = evalSet.labels.filter((l) => l === 1).length;

  const manifest = ManifestSchema.parse({
    id: 'default',
    version: '1.0.0',
    task: 'classify',
    file: 'model.onnx',
    input: DEFAULT_INPUT,
    output: { name: OUTPUT_NAME, decode: 'sigmoid-score' },
    labels: ['ok', 'defect'],
    threshold,
    evaluation: {
      precision: m.precision,
      recall: m.recall,
      accuracy: m.accuracy,
      auroc: auroc(evalScores, evalSet.labels),
      n: evalSet.labels.length,
      positives,
      threshold,
      dataset: describeSet(evaluation),
    },
    sha256: sha256Hex(bytes),
    created: opts.created ?? new Date().toISOString(),
    description:
      'Fixed filter bank (LoG, oriented ridges, hole-presence) on a masked plate surface, with a logistic ' +
      'head learned on synthetic parts. No pretrained weights.',
    training: {
      seed: opts.seed,
      train: describeSet(train),
      validation: { dataset: describeSet(validation), ...valMetrics },
      features: FEATURE_NAMES,
      lambda: LAMBDA,
      confusion: { tp: m.tp, fp: m.fp, tn: m.tn, fn: m.fn },
    },
  } satisfies Manifest);

  await mkdir(opts.outDir, { recursive: true });
  const onnxPath = join(opts.outDir, manifest.file);
  const manifestPath = join(opts.outDir, 'manifest.json');
  await writeFile(onnxPath, bytes);
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  log(`wrote ${onnxPath} (${bytes.length} bytes) and ${manifestPath}`);
  return { manifest, onnxPath, manifestPath };
}
