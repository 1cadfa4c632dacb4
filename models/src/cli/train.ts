import { z } from 'zod';
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
    .describe('model input width; height keeps the aspect'),
  augment: z.coerce.number().int().min(0).max(16).describe('augmented copies per training image'),
  pool: z.boolean().describe('pool train/ and val/ into one set for the cross-validation and the final fit'),
  head: z
    .enum(['auto', 'patch', 'pooled'])
    .describe(
      'patch: a head per 8×8 location trained on defect outlines (labels/NAME.txt); pooled: one head on pooled features; auto: patch when every defect image has an outline',
    ),
});
export type TrainConfig = z.infer<typeof TrainConfig>;

export const TRAIN_USAGE = `usage: sightline-models train --data DIR --out OUT [--folds 5] [--seed 1] [--int8]
                             [--width 224] [--augment 3] [--head auto|patch|pooled] [--pool]`;

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
      augment: { type: 'string' },
      head: { type: 'string' },
      pool: { type: 'boolean' },
    },
    schema: TrainConfig,
    defaults: { folds: 5, seed: 1, int8: false, width: 224, augment: 3, head: 'auto', pool: false },
    paths: ['data', 'out'],
    usage: TRAIN_USAGE,
    cwd,
  });
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'transfer-learn a defect classifier from DIR/{ok,defect} images',
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
      augmentations: c.augment,
      head: c.head,
      pool: c.pool,
      log: io.progress,
      progress: true,
    });
    const { evaluation, threshold, sha256, input } = r.manifest;
    const cv = r.transfer.chosen;
    io.result({
      out: c.out,
      sha256,
      input: input.shape,
      features: `${cv.taps.join('+')} ${cv.pooling}`,
      cv_auroc_mean: cv.cv.mean,
      cv_auroc_sd: cv.cv.sd,
      ...(r.transfer.cvInt8
        ? { cv_auroc_int8_mean: r.transfer.cvInt8.mean, cv_auroc_int8_sd: r.transfer.cvInt8.sd }
        : {}),
      ...evaluation,
      threshold,
      train_s: r.trainSeconds,
    });
    return 0;
  },
};
