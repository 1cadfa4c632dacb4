import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ANOMALY_MAP } from '../anomaly/model.ts';
import { loadMobileNetV2 } from '../backbone/mobilenet.ts';
import { decodeScore } from '../evaluate/score.ts';
import { sha256Hex } from '../manifest/load.ts';
import { type Evaluation, Manifest, type ManifestOutput } from '../manifest/schema.ts';
import { quantizeOnFrames } from '../quantize/index.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import { type Candidate, fromOutput } from './candidate.ts';
import { SCORE_NAME } from './classifier-graph.ts';
import { type Comparison, compareCandidates, type HeadChoice } from './compare.ts';
import { stratifiedFolds, summariseFolds } from './cross-validation.ts';
import { createFrameRunner } from './extract.ts';
import { chooseGeometry } from './geometry.ts';
import { listImageFolder } from './image-folder.ts';
import { type LoadedSet, loadTrainingSet } from './load-set.ts';
import { auroc, binaryMetrics, pickThreshold } from './metrics.ts';
import { createProgressBar } from './progress.ts';
import { backboneInput } from './transfer.ts';

export interface TrainFolderOptions {
  data: string;
  out: string;
  folds: number;
  seed: number;
  int8: boolean;
  /** Input width; the height follows the images' median aspect (a multiple of 32). */
  width: number;
  /** `--input WxH`: the input size outright. */
  size?: { width: number; height: number } | null;
  augmentations: number;
  /**
   * Pool train/ and val/ into one set: the CV covers every labelled image and the manifest's figures are its
   * out-of-fold scores (more defects to measure on than a small val/; `pnpm bench:model` uses it).
   */
  pool?: boolean;
  /** Which candidates (default `auto`: every one the data allows, compared by cross-validation). */
  head?: HeadChoice;
  created?: string;
  log?: (line: string) => void;
  progress?: boolean;
}

/** Scores of `frames` under a finished model, decoded as the agent decodes them. */
async function scoreFrames(
  bytes: Uint8Array,
  manifest: Pick<Manifest, 'input' | 'output'>,
  frames: readonly ImageFrame[],
) {
  const runner = await createFrameRunner(bytes, manifest.input, manifest.output.name);
  const scores: number[] = [];
  for (const f of frames) scores.push(decodeScore(manifest.output, await runner.run(f)));
  await runner.release();
  return scores;
}

function evaluation(scores: number[], labels: number[], threshold: number, dataset: string): Evaluation {
  const m = binaryMetrics(scores, labels, threshold);
  const a = auroc(scores, labels);
  return {
    precision: m.precision,
    recall: m.recall,
    accuracy: m.accuracy,
    auroc: Number.isNaN(a) ? 0 : a,
    n: labels.length,
    positives: labels.filter((l) => l === 1).length,
    threshold,
    dataset,
  };
}

/** The chosen candidate's folds again, each fold's model quantised (calibrated on its training images). */
async function crossValidateInt8(
  c: Candidate,
  set: LoadedSet,
  opts: TrainFolderOptions,
  input: Manifest['input'],
) {
  if (!c.foldModel) return null;
  const labels = set.train.map((s) => s.label as number);
  const fold = stratifiedFolds(labels, opts.folds, opts.seed);
  const out = new Array<number>(labels.length).fill(Number.NaN);
  const bar = opts.progress ? createProgressBar('int8: quantise and score each fold', labels.length) : null;
  for (let k = 0; k < opts.folds; k++) {
    const frames = set.train.filter((_, i) => fold[i] !== k).map((s) => s.frame);
    // 32 calibration frames per fold (the shipped model gets 64): the fold models only measure int8's ranking.
    const q = await quantizeOnFrames(c.foldModel(k), frames, input, 32, floatPrefixes(c));
    const r = await createFrameRunner(q.model, input, SCORE_NAME);
    for (const [i, s] of set.train.entries()) {
      if (fold[i] !== k) continue;
      out[i] = fromOutput(c.task, (await r.run(s.frame))[0] as number);
      bar?.tick();
    }
    await r.release();
  }
  bar?.done();
  return summariseFolds(out, labels, fold, opts.folds);
}

const floatPrefixes = (c: Candidate) => ({
  floatPrefixes: c.task === 'anomaly' ? ['anomaly/', 'knn/', ANOMALY_MAP] : [],
});
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * The decision threshold and output decoding from out-of-fold scores (on the candidate's `oof` scale): best F1
 * where there are defects; for a good-only set, the 99th percentile of the good images' scores (≈ 1 % false
 * alarms). Anomaly scores are normalised as anomalib does, so 0.5 is the threshold.
 */
function decision(
  c: Candidate,
  oof: number[],
  labels: number[],
): { output: ManifestOutput; threshold: number } {
  const hasDefects = labels.some((l) => l === 1);
  if (c.task === 'classify') {
    const p = oof.map(sigmoid);
    return { output: { name: SCORE_NAME, decode: 'sigmoid-score' }, threshold: pickThreshold(p, labels) };
  }
  const good = oof.filter((_, i) => labels[i] === 0).sort((a, b) => a - b);
  const raw = hasDefects
    ? pickThreshold(oof, labels)
    : (good[Math.min(good.length - 1, Math.floor(0.99 * good.length))] ?? 0);
  const min = Math.min(...oof);
  const max = Math.max(...oof);
  return {
    output: {
      name: SCORE_NAME,
      decode: 'anomaly-score',
      map: ANOMALY_MAP,
      normalization: { min, max: max > min ? max : min + 1, threshold: raw },
    },
    threshold: 0.5,
  };
}

/**
 * `sightline-models train`: images in DIR/{ok,defect} (optionally under train/ and val/, masks beside them) →
 * candidates (pooled, patch, good-only anomaly) cross-validated on the same folds → the best as one ONNX graph
 * + manifest.json in OUT (optionally int8).
 */
export async function trainFromFolder(opts: TrainFolderOptions) {
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const files = await listImageFolder(opts.data, { minDefects: opts.head === 'anomaly' ? 0 : 5 });
  const set = await loadTrainingSet(opts.data, files, opts);
  const { train, val } = set;
  const g = chooseGeometry(
    train.map((s) => s.frame),
    { width: opts.width, size: opts.size },
  );
  const input = backboneInput(g.height, g.width, g.resize);
  log(
    `${train.length} training images (${train.filter((s) => s.label).length} defect, ${train.filter((s) => s.mask).length} with a mask), ${val.length} validation; input ${g.width}×${g.height} (${g.resize})`,
  );
  const backbone = await loadMobileNetV2();
  const cmp: Comparison = await compareCandidates(backbone, train, {
    input,
    folds: opts.folds,
    seed: opts.seed,
    augmentations: opts.augmentations,
    head: opts.head ?? 'auto',
    log,
    progress: opts.progress,
  });
  const c = cmp.chosen;
  const labels = train.map((s) => s.label as number);
  const cvInt8 = opts.int8 ? await crossValidateInt8(c, set, opts, input) : null;
  if (cvInt8) log(`int8 (each fold quantised): CV AUROC ${cvInt8.mean.toFixed(4)} ± ${cvInt8.sd.toFixed(4)}`);
  // The shipped model is the int8 one when asked: its cross-validated scores pick the threshold.
  const oof = cvInt8?.scores ?? c.oof;
  const { output, threshold } = decision(c, oof, labels);
  let bytes = c.bytes;
  let quantization: object | undefined;
  if (opts.int8) {
    const q = await quantizeOnFrames(
      c.bytes,
      train.map((s) => s.frame),
      input,
      64,
      floatPrefixes(c),
    );
    bytes = q.model;
    quantization = q.report;
  }
  const trainS = (Date.now() - started) / 1000;
  const io = { input, output };
  const valLabels = val.map((s) => s.label as number);
  const valFrames = val.map((s) => s.frame);
  const fp32Val = val.length > 0 ? await scoreFrames(c.bytes, io, valFrames) : [];
  const finalVal = opts.int8 && val.length > 0 ? await scoreFrames(bytes, io, valFrames) : fp32Val;
  const oofScores = oof.map((v) =>
    decodeScore(output, Float32Array.of(c.task === 'classify' ? sigmoid(v) : v)),
  );
  const evalFig =
    val.length > 0
      ? evaluation(finalVal, valLabels, threshold, `${opts.data}/val (${val.length} images)`)
      : evaluation(
          oofScores,
          labels,
          threshold,
          `${opts.data}: ${opts.folds}-fold out-of-fold scores (${train.length} images${cvInt8 ? ', each fold quantised to int8' : ''})`,
        );
  const manifest = Manifest.parse({
    id: 'trained',
    version: '1.0.0',
    task: c.task,
    file: 'model.onnx',
    input,
    output,
    labels: ['ok', 'defect'],
    threshold,
    evaluation: evalFig,
    sha256: sha256Hex(bytes),
    created: opts.created ?? new Date().toISOString(),
    description: `${c.description}${opts.int8 ? ', static int8' : ''}; chosen by ${opts.folds}-fold cross-validation among ${cmp.candidates.map((x) => x.name).join(', ')}.`,
    training: {
      data: opts.data,
      seed: opts.seed,
      folds: opts.folds,
      augmentations: opts.augmentations,
      chosen: c.name,
      cv: c.cv,
      cvInt8: cvInt8 ? { ...cvInt8, scores: undefined } : null,
      candidates: cmp.table,
      unmasked: set.unmasked,
      valAurocFp32: val.length > 0 ? auroc(fp32Val, valLabels) : null,
      precision: opts.int8 ? 'int8' : 'fp32',
      quantization,
      ...c.notes,
      trainSeconds: trainS,
    },
  } satisfies Manifest);
  await mkdir(opts.out, { recursive: true });
  await writeFile(join(opts.out, manifest.file), bytes);
  await writeFile(join(opts.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`wrote ${join(opts.out, manifest.file)} (${bytes.length} bytes)`);
  return {
    manifest,
    bytes,
    fp32Bytes: c.bytes,
    comparison: cmp,
    chosen: c,
    cvInt8,
    trainSeconds: trainS,
    fp32Val,
    finalVal,
    valLabels,
  };
}
