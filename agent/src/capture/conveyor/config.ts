import { z } from 'zod';
import { PART_SIZE } from './belt.ts';

export const ConveyorSourceConfig = z
  .object({
    kind: z
      .literal('conveyor')
      .describe(
        'a camera over a simulated conveyor: parts moving through the view at a pitch and speed, with gaps, jitter, a photo-eye, an encoder, a code label per part and a recipe per part (demo, tests, benchmarks)',
      ),
    seed: z.number().int().default(1).describe('random seed; the same seed gives the same parts'),
    defectRate: z.number().min(0).max(1).default(0.05).describe('share of defective parts, 0-1'),
    partsPerMin: z
      .number()
      .positive()
      .max(6000)
      .default(120)
      .describe('belt rate: slots per minute (empty slots included)')
      .meta({ examples: [120, 600] }),
    pitchPx: z
      .number()
      .min(PART_SIZE)
      .max(4096)
      .default(288)
      .describe(`distance between part centres in the view, px (parts are ${PART_SIZE} px)`),
    jitter: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('0-1: parts sit off their slot by up to this share of the free space'),
    gaps: z.number().min(0).max(0.9).default(0.05).describe('0-0.9: share of slots left empty'),
    speedVariation: z
      .number()
      .min(0)
      .max(0.5)
      .default(0)
      .describe(
        '0-0.5: belt speed varies by ± this share (a slow sine): encoder-timed rejects follow it, time-delayed ones do not',
      ),
    wobblePeriodS: z.number().positive().default(7).describe('period of the speed variation, s'),
    width: z
      .number()
      .int()
      .min(PART_SIZE)
      .max(4096)
      .default(640)
      .describe('view width, px; the height is 320 (a part and its label band)'),
    photoEyeX: z
      .number()
      .min(0)
      .optional()
      .describe(
        'where the simulated photo-eye sits, px from the left edge of the view (default: the centre)',
      ),
    countsPerPx: z.number().positive().default(1).describe('simulated encoder counts per px of belt travel'),
    fps: z.number().positive().max(1000).default(30).describe('free-running camera: frames per second'),
    clock: z
      .enum(['real', 'simulated'])
      .default('real')
      .describe(
        'real: frames come at their time, like a camera; simulated: as fast as the agent takes them, stamped with simulated times (tests: results never depend on the machine speed)',
      ),
    capture: z
      .enum(['free-run', 'triggered'])
      .default('free-run')
      .describe(
        'free-run: a frame every 1/fps; triggered: the photo-eye exposes one frame per part (a hardware-triggered camera)',
      ),
    exposureDelayMs: z
      .number()
      .min(0)
      .max(10_000)
      .default(0)
      .describe('triggered: exposure this long after the photo-eye'),
    code: z
      .enum(['DataMatrix', 'QRCode', 'Code128', 'none'])
      .default('DataMatrix')
      .describe("each part's id printed on a label that rides below it"),
    idPrefix: z
      .string()
      .regex(/^[A-Za-z0-9-]{0,16}$/, 'expected up to 16 of A-Z, a-z, 0-9 and "-"')
      .optional()
      .describe('part ids are this prefix and a 6-digit number (default: "P<seed>-")'),
    recipes: z
      .array(z.object({ recipe: z.string().min(1).max(64), parts: z.number().int().positive() }))
      .max(64)
      .default([])
      .describe(
        'product runs, repeated in order; the line announces each change as its first part reaches the photo-eye',
      )
      .meta({
        examples: [
          [
            { recipe: 'plate-a', parts: 20 },
            { recipe: 'plate-b', parts: 20 },
          ],
        ],
      }),
    startTs: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('simulated clock: epoch ms at the start (default: now)'),
  })
  .refine((c) => c.photoEyeX === undefined || c.photoEyeX <= c.width, {
    message: 'photoEyeX must be inside the view (0 to width)',
    path: ['photoEyeX'],
  });

export type ConveyorSourceConfig = z.infer<typeof ConveyorSourceConfig>;
