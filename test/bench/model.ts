/**
 * pnpm bench:model — `sightline-models train` on ../shared/datasets/kolektorsdd (when present), int8.
 * 1. All 399 labelled images pooled, 5-fold CV: every fold's model scores its held-out images in fp32 and again
 *    after quantising that fold's model (calibrated on its training images): `auroc_fp32`, `auroc_int8` are the
 *    pooled out-of-fold AUROCs (52 defects).
 * 2. The dataset's own split: train on train/, score val/ (79 images, 10 defects; split by file order).
 * Ends with one JSON line.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { auroc, medianLatencyMs, readImage, trainFromFolder } from '@sightline/models/tooling';

const data = resolve(import.meta.dirname, '../../../shared/datasets/kolektorsdd');
if (!existsSync(data)) {
  process.stdout.write(`${JSON.stringify({ skipped: `dataset not found at ${data}` })}\n`);
  process.exit(0);
}
const out = await mkdtemp(join(tmpdir(), 'sl-bench-model-'));
const log = (line: string) => process.stderr.write(`[bench:model] ${line}\n`);
const augmentations = Number(process.env.BENCH_AUGMENT ?? 0);
const common = { data, folds: 5, seed: 1, width: 224, augmentations, log, progress: true, int8: true };
const pooled = await trainFromFolder({ ...common, out: join(out, 'pooled'), pool: true });
const split = await trainFromFolder({ ...common, out: join(out, 'split') });
const firstOk = readdirSync(join(data, 'val', 'ok')).sort()[0];
const frame = firstOk ? await readImage(join(data, 'val', 'ok', firstOk)) : null;
const latency = async (bytes: Uint8Array) =>
  frame ? medianLatencyMs(bytes, pooled.manifest.input, frame) : Number.NaN;
const cv = pooled.transfer.chosen.cv;
const cvInt8 = pooled.transfer.cvInt8;
const e = pooled.manifest.evaluation;
const result = {
  auroc_fp32: cv.pooled,
  auroc_int8: cvInt8?.pooled ?? null,
  train_s: pooled.trainSeconds,
  latency_ms_fp32: await latency(pooled.fp32Bytes),
  latency_ms_int8: await latency(pooled.bytes),
  features: `${pooled.transfer.chosen.taps.join('+')} ${pooled.transfer.chosen.pooling}`,
  input: pooled.manifest.input.shape,
  cv: {
    images: e.n,
    defects: e.positives,
    folds_fp32: cv.aurocs,
    folds_int8: cvInt8?.aurocs ?? null,
    mean_fp32: cv.mean,
    mean_int8: cvInt8?.mean ?? null,
    int8_at_threshold: { threshold: e.threshold, precision: e.precision, recall: e.recall },
  },
  split: {
    train_cv_fp32: split.transfer.chosen.cv.mean,
    val_auroc_fp32: auroc(split.fp32Val, split.valLabels),
    val_auroc_int8: auroc(split.finalVal, split.valLabels),
    val_n: split.valLabels.length,
    val_defects: split.valLabels.filter((l) => l === 1).length,
  },
  augmentations,
};
await rm(out, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);
