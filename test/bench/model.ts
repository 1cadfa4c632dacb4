/**
 * pnpm bench:model — `sightline-models train` on ../shared/datasets/kolektorsdd (when present): 5-fold CV on
 * train/, figures on val/ for fp32 and its int8 twin. Ends with one JSON line.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { auroc, medianLatencyMs, readImage, trainFromFolder } from '@sightline/models';

const data = resolve(import.meta.dirname, '../../../shared/datasets/kolektorsdd');
if (!existsSync(data)) {
  process.stdout.write(`${JSON.stringify({ skipped: `dataset not found at ${data}` })}\n`);
  process.exit(0);
}
const out = await mkdtemp(join(tmpdir(), 'sl-bench-model-'));
const log = (line: string) => process.stderr.write(`[bench:model] ${line}\n`);
const common = { data, out, folds: 5, seed: 1, width: 224, augmentations: 2, log, progress: true };
const r = await trainFromFolder({ ...common, int8: true });
const firstOk = readdirSync(join(data, 'val', 'ok')).sort()[0];
const frame = firstOk ? await readImage(join(data, 'val', 'ok', firstOk)) : null;
const latency = async (bytes: Uint8Array) =>
  frame ? medianLatencyMs(bytes, r.manifest.input, frame) : Number.NaN;
const cv = r.transfer.chosen;
const result = {
  auroc_fp32: auroc(r.fp32Val, r.valLabels),
  auroc_int8: auroc(r.finalVal, r.valLabels),
  train_s: r.trainSeconds,
  latency_ms_fp32: await latency(r.fp32Bytes),
  latency_ms_int8: await latency(r.bytes),
  cv_auroc_mean: cv.cv.mean,
  cv_auroc_sd: cv.cv.sd,
  cv_folds: cv.cv.aurocs,
  features: `${cv.taps.join('+')} ${cv.pooling}`,
  input: r.manifest.input.shape,
  val: {
    n: r.manifest.evaluation.n,
    positives: r.manifest.evaluation.positives,
    precision: r.manifest.evaluation.precision,
    recall: r.manifest.evaluation.recall,
  },
};
await rm(out, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);
