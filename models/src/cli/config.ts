import { z } from 'zod';
import { defaultModelDir } from '../manifest/load.ts';
import { parseFlagsWith } from './flags.ts';

/** Flags of `sightline-models build-default`; every key documented here. */
export const BuildDefaultConfig = z.object({
  out: z
    .string()
    .min(1)
    .describe('output directory for model.onnx + manifest.json (default: models/default)'),
  seed: z.coerce.number().int().min(0).max(4294967295).describe('master seed; same seed ⇒ same ONNX bytes'),
  train: z.coerce.number().int().min(100).describe('training parts (half defective)'),
  validation: z.coerce
    .number()
    .int()
    .min(100)
    .describe('validation parts (15 % defective), used to pick the threshold'),
  evaluation: z.coerce.number().int().min(100).describe('fresh evaluation parts (15 % defective)'),
  created: z.iso
    .datetime()
    .optional()
    .describe('pin the manifest `created` time (ISO), for a reproducible manifest'),
});
export type BuildDefaultConfig = z.infer<typeof BuildDefaultConfig>;

export const USAGE = `usage: sightline-models build-default [--out DIR] [--seed N] [--train N] [--validation N]
                                      [--evaluation N] [--created ISO-TIME]`;

/** Parses argv (after the command name) into a validated config. `cwd` resolves a relative --out. */
export function parseBuildDefault(argv: string[], cwd: string): BuildDefaultConfig {
  return parseFlagsWith(argv, {
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      train: { type: 'string' },
      validation: { type: 'string' },
      evaluation: { type: 'string' },
      created: { type: 'string' },
    },
    schema: BuildDefaultConfig,
    defaults: { out: defaultModelDir(), seed: 1, train: 1000, validation: 500, evaluation: 1200 },
    paths: ['out'],
    usage: USAGE,
    cwd,
  });
}
