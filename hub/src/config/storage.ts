import { z } from 'zod';
import { bounded, positive } from './fields.ts';

export const SamplesConfig = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe('accept sample images on sl/v1/+/+/+/samples/#; false leaves them to the broker')
    .meta({ examples: [true] }),
  dir: z
    .string()
    .min(1)
    .optional()
    .describe(
      'folder of the images (<dir>/ab/<sha256>.jpg) and of samples being assembled; default: "samples" beside store.path, or a temp folder removed on shutdown when store.path is ":memory:"',
    )
    .meta({ examples: ['/var/lib/sightline/samples'] }),
  quotaMB: positive(
    'disk space for images in MiB; beyond it the oldest unlabelled images are evicted first',
    2048,
    16_777_216,
  ),
  maxPartials: positive(
    'samples being assembled at once; a new one beyond this drops the least recently active (counted)',
    64,
    100_000,
  ),
  maxPartialMB: bounded(
    'MiB held by samples being assembled at once (a sample is at most 8 MiB)',
    256,
    8,
    65_536,
  ),
  partialTimeoutS: positive(
    'a sample without a new part for this many seconds is given up (counted as expired)',
    600,
    86_400,
  ),
});

export const ExportConfig = z.strictObject({
  maxRows: positive(
    'rows in one export at most; a larger range is cut (header Sightline-Truncated) and should be narrowed with from/to',
    1_000_000,
    1_000_000_000,
  ),
  timeoutS: positive(
    'seconds an export query may run before it is stopped (503 SL_EXPORT_TIMEOUT)',
    120,
    86_400,
  ),
  maxConcurrent: positive('exports running at once; more are answered 429 SL_EXPORT_BUSY', 2, 64),
});
