import { z } from 'zod';
import { parseInputSize } from '../train/geometry.ts';
import { trainFromFolder } from '../train/train-folder.ts';
import type { CliCommand } from './command.ts';
import { parseFlagsWith } from './flags.ts';

/** Flags of `sightline-models train`; every key documented here. */
export const TrainConfig = z.object({
  data: z
    .string()
    .min(1)
    .describe('directory with ok/ and defect/ images (optionally under train/ and val/)'),
  out: z.string().min(1).describe('output directory for model.onnx + manifest.json'),
  folds: z.coerce.number().int().min(2).max(20).describe('k of the stratified k-fold cross-validation'),
  seed: z.coerce.number().int().min(0).max(4294967295).describe('seed of folds and augmentation'),
  int8: z.boolean().describe('quantise to static int8 (models/src/quantize) after training'),
  width: z.coerce
    .number()
    .int()
    .min(64)
    .max(640)
    .multipleOf(32)
    .describe("model input width; the height follows the images' median aspect, frames are letterboxed"),
  input: z
    .string()
    .regex(/^\d+x\d+$/i, 'WxH, e.g. 224x544')
    .optional()
    .describe('model input size WxH outright (multiples of 32); frames are letterboxed into it, aspect kept'),
  augment: z.coerce.number().int().min(0).max(16).describe('augmented copies per training image'),
  pool: z.boolean().describe('pool train/ and val/ into one set for the cross-validation and the final fit'),
  head: z
    .enum(['auto', 'patch', 'pooled', 'anomaly'])
    .describe(
      'auto: every candidate the data allows, compared by the same cross-validation, best kept; patch: a head per 8×8 location trained on defect masks; pooled: one head on pooled features; anomaly: a memory bank of good images only (no defect images needed)',
    ),
});
export type TrainConfig = z.infer<typeof TrainConfig>;

export const TRAIN_USAGE = `usage: sightline-models train --data DIR --out OUT [--folds 5] [--seed 1] [--int8]
                             [--width 224 | --input WxH] [--augment 0] [--head auto|patch|pooled|anomaly] [--pool]`;

/** Parses argv (after the command name); `cwd` resolves relative paths. */
export function parseTrain(argv: string[], cwd: string): TrainConfig {
  return parseFlagsWith(argv, {
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      folds: { type: 'string' },
      seed: { type: 'string' },
      int8: { type: 'boolean' },
      width: { type: 'string' },
      input: { type: 'string' },
      augment: { type: 'string' },
      head: { type: 'string' },
      pool: { type: 'boolean' },
    },
    schema: TrainConfig,
    defaults: { folds: 5, seed: 1, int8: false, width: 224, augment: 0, head: 'auto', pool: false },
    paths: ['data', 'out'],
    usage: TRAIN_USAGE,
    cwd,
  });
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary:
    'train a defect model from DIR/{ok,defect} images (and masks): candidates compared by cross-validation',
  usage: TRAIN_USAGE,
  async run(argv, io) {
    const c = parseTrain(argv, io.cwd);
    const r = await trainFromFolder({
      data: c.data,
      out: c.out,
      folds: c.folds,
      seed: c.seed,
      int8: c.int8,
      width: c.width,
      size: c.input ? parseInputSize(c.input) : null,
      augmentations: c.augment,
      head: c.head,
      pool: c.pool,
      log: io.progress,
      progress: io.bars ?? true,
    });
    const { evaluation, threshold, sha256, input, task } = r.manifest;
    const cv = r.chosen.cv;
    io.result({
      out: c.out,
      sha256,
      task,
      input: input.shape,
      resize: input.resize,
      chosen: r.chosen.name,
      features: r.chosen.detail,
      cv_auroc_mean: cv.mean,
      cv_auroc_sd: cv.sd,
      ...(r.cvInt8 ? { cv_auroc_int8_mean: r.cvInt8.mean, cv_auroc_int8_sd: r.cvInt8.sd } : {}),
      ...evaluation,
      threshold,
      train_s: r.trainSeconds,
      candidates: r.comparison.table,
    });
    return 0;
  },
};
