import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMobileNetV2 } from '../backbone/mobilenet.ts';
import { sha256Hex } from '../manifest/load.ts';
import { type Evaluation, Manifest } from '../manifest/schema.ts';
import { quantizeOnFrames } from '../quantize/index.ts';
import { createFrameRunner } from './extract.ts';
import { listImageFolder, readImage } from './image-folder.ts';
import { auroc, binaryMetrics, pickThreshold } from './metrics.ts';
import { readOutlines } from './outlines.ts';
import { backboneInput, type Sample, SCORE_NAME, type TransferOptions, trainTransfer } from './transfer.ts';

export interface TrainFolderOptions {
  data: string;
  out: string;
  folds: number;
  seed: number;
  int8: boolean;
  /** Input width; the height follows the images' aspect ratio (rounded to a multiple of 32). */
  width: number;
  augmentations: number;
  /**
   * Pool train/ and val/ into one set: the CV covers every labelled image and the manifest's figures are its
   * out-of-fold scores (more defects to measure on than a small val/; `pnpm bench:model` uses it).
   */
  pool?: boolean;
  /** Head kind (default `auto`: the patch head when every defect training image has an outline). */
  head?: TransferOptions['head'];
  /** Restrict the feature search (default: every candidate of trainTransfer). */
  candidates?: TransferOptions['candidates'];
  created?: string;
  log?: (line: string) => void;
  progress?: boolean;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Height for `width` that keeps the images' aspect, a multiple of 32 in [96, 640]. */
export function inputHeight(width: number, imageW: number, imageH: number): number {
  return Math.max(96, Math.min(640, Math.round((width * imageH) / imageW / 32) * 32));
}

async function scoreFrames(bytes: Uint8Array, input: Manifest['input'], samples: readonly Sample[]) {
  const runner = await createFrameRunner(bytes, input, SCORE_NAME);
  const scores: number[] = [];
  for (const s of samples) scores.push((await runner.run(s.frame))[0] ?? Number.NaN);
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

/**
 * `sightline-models train`: images in DIR/{ok,defect} (optionally under train/ and val/) → transfer-learned
 * MobileNetV2 + logistic head → OUT/model.onnx + OUT/manifest.json (optionally int8).
 */
export async function trainFromFolder(opts: TrainFolderOptions) {
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const files = await listImageFolder(opts.data);
  const load = async (split: 'train' | 'val') => {
    const out: Sample[] = [];
    for (const f of files.filter((x) => x.split === split)) {
      const outlines = f.label === 1 ? await readOutlines(f.path) : null;
      out.push({ frame: await readImage(f.path), label: f.label, outlines });
    }
    return out;
  };
  const train = opts.pool ? [...(await load('train')), ...(await load('val'))] : await load('train');
  const val = opts.pool ? [] : await load('val');
  const first = train[0]?.frame ?? { width: 1, height: 1 };
  const height = inputHeight(opts.width, first.width, first.height);
  log(
    `${train.length} training images (${train.filter((s) => s.label).length} defect), ${val.length} validation; input ${opts.width}×${height}`,
  );

  const backbone = await loadMobileNetV2();
  const input = backboneInput(height, opts.width);
  const t = await trainTransfer(train, {
    backbone,
    height,
    width: opts.width,
    folds: opts.folds,
    seed: opts.seed,
    augmentations: opts.augmentations,
    head: opts.head,
    quantizeFold: opts.int8
      ? async (fp32, frames) => (await quantizeOnFrames(fp32, frames, input)).model
      : undefined,
    candidates: opts.candidates,
    log,
    progress: opts.progress,
  });
  // The shipped model is the int8 one when asked: its cross-validated scores pick the threshold where we have them.
  const oofInt8 = opts.int8 ? (t.oofLogitsInt8 ?? null) : null;
  const oof = oofInt8 ?? t.oofLogits;
  const threshold = pickThreshold(
    oof.map(sigmoid),
    train.map((s) => s.label),
  );
  const trainS = (Date.now() - started) / 1000;
  let bytes = t.bytes;
  let quantization: object | undefined;
  const valLabels = val.map((s) => s.label as number);
  const fp32Val = val.length > 0 ? await scoreFrames(t.bytes, t.input, val) : [];
  if (opts.int8) {
    const q = await quantizeOnFrames(
      t.bytes,
      train.map((s) => s.frame),
      t.input,
    );
    bytes = q.model;
    quantization = q.report;
  }
  const finalVal = opts.int8 && val.length > 0 ? await scoreFrames(bytes, t.input, val) : fp32Val;
  const evalFig =
    val.length > 0
      ? evaluation(finalVal, valLabels, threshold, `${opts.data}/val (${val.length} images)`)
      : evaluation(
          oof.map(sigmoid),
          train.map((s) => s.label),
          threshold,
          `${opts.data}: ${opts.folds}-fold out-of-fold scores (${train.length} images${oofInt8 ? ', each fold quantised to int8' : ''})`,
        );
  const manifest = Manifest.parse({
    id: 'trained',
    version: '1.0.0',
    task: 'classify',
    file: 'model.onnx',
    input: t.input,
    output: { name: SCORE_NAME, decode: 'sigmoid-score' },
    labels: ['ok', 'defect'],
    threshold,
    evaluation: evalFig,
    sha256: sha256Hex(bytes),
    created: opts.created ?? new Date().toISOString(),
    description:
      t.spec.pooling === 'patch'
        ? `Transfer learning: frozen MobileNetV2 to ${t.spec.taps.join('+')}, a logistic head at every 8×8 location trained on the defect outlines, score = highest location${opts.int8 ? ', static int8' : ''}.`
        : `Transfer learning: frozen MobileNetV2 to ${t.spec.taps.join('+')} (${t.spec.pooling} pooling) + class-balanced logistic head${opts.int8 ? ', static int8' : ''}.`,
    training: {
      data: opts.data,
      seed: opts.seed,
      folds: opts.folds,
      augmentations: opts.augmentations,
      cv: t.chosen.cv,
      cvInt8: t.cvInt8 ?? null,
      candidates: t.candidates,
      valAurocFp32: val.length > 0 ? auroc(fp32Val, valLabels) : null,
      precision: opts.int8 ? 'int8' : 'fp32',
      quantization,
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
    fp32Bytes: t.bytes,
    transfer: t,
    trainSeconds: trainS,
    fp32Val,
    finalVal,
    valLabels,
  };
}
