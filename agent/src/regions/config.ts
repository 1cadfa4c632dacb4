import { z } from 'zod';

const point = z.tuple([z.number(), z.number()]);

/** A rectangle of the frame, px. */
export const PixelRect = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  w: z.number().int().min(16),
  h: z.number().int().min(16),
});

export const RegionConfig = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/, 'expected 1-64 of a-z, 0-9 and "-"')
      .describe('region name, kept with its result')
      .meta({ examples: ['plate'] }),
    x: z.number().int().nonnegative().describe('left edge in the frame, px'),
    y: z.number().int().nonnegative().describe('top edge in the frame, px'),
    w: z.number().int().min(8).describe('width, px (with corners: the corrected image width)'),
    h: z.number().int().min(8).describe('height, px (with corners: the corrected image height)'),
    corners: z
      .tuple([point, point, point, point])
      .optional()
      .describe(
        "perspective correction: the region's top-left, top-right, bottom-right and bottom-left corners in the frame, px; mapped onto a w × h image (x and y are then ignored)",
      )
      .meta({
        examples: [
          [
            [210, 12],
            [430, 20],
            [436, 250],
            [204, 244],
          ],
        ],
      }),
    model: z
      .object({ dir: z.string().min(1).describe('directory with manifest.json + model') })
      .optional()
      .describe("this region's own model; default: the recipe's"),
    threshold: z.number().optional().describe("this region's defect threshold; default: the recipe's"),
  })
  .describe(
    'a named part of the frame, cropped (optionally corrected for perspective) and run through its model',
  );

export type RegionConfig = z.infer<typeof RegionConfig>;

export const RegionsConfig = z
  .array(RegionConfig)
  .max(16)
  .default([])
  .refine((r) => new Set(r.map((x) => x.name)).size === r.length, 'region names must differ')
  .describe(
    "inspection regions; a part's verdict combines them (any defect is a defect); none = the whole frame",
  );
