import { z } from 'zod';

export const BUNDLE_FORMAT = 'sightline-bundle-v1';
export const BUNDLE_EXTENSION = '.slb';

/** A file path inside a bundle: plain names, at most one folder deep, no "..". */
const fileName = z
  .string()
  .regex(
    /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)?$/,
    'a plain file name (or folder/name)',
  )
  .max(128);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits');

export const BundleFile = z.object({
  name: fileName,
  bytes: z.number().int().nonnegative(),
  sha256,
});

/**
 * The signed header of a bundle: who it is, when it stops being valid, and every file with its size and
 * SHA-256 — so one signature over the header covers the ONNX file, the manifest and the golden images.
 */
export const BundleHeader = z.object({
  format: z.literal(BUNDLE_FORMAT),
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
  version: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
  created: z.iso.datetime(),
  expires: z.iso.datetime().nullable().describe('agents refuse the bundle after this time; null: never'),
  model: z.object({ file: fileName, sha256 }).describe('the ONNX file and its SHA-256 (as in the manifest)'),
  files: z.array(BundleFile).min(3).max(256),
});

/** `golden/expected.json`: the golden images and the score the model must give each. */
export const GoldenSet = z.object({
  tolerance: z.number().positive().max(1).describe('largest |score − expected| accepted'),
  runtime: z.string().describe('runtime the expected scores were computed with'),
  images: z
    .array(
      z.object({
        file: fileName,
        score: z.number().finite(),
        truth: z.enum(['ok', 'defect']).optional(),
      }),
    )
    .min(1)
    .max(64),
});

export const GOLDEN_FILE = 'golden/expected.json';

export type BundleFile = z.infer<typeof BundleFile>;
export type BundleHeader = z.infer<typeof BundleHeader>;
export type GoldenSet = z.infer<typeof GoldenSet>;
