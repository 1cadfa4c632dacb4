import { z } from 'zod';
import { RegionsConfig } from '../regions/config.ts';

export const RecipeConfig = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'expected 1-64 of a-z, 0-9 and "-"')
    .describe('product (recipe) id, carried by every result')
    .meta({ examples: ['plate-a'] }),
  index: z
    .number()
    .int()
    .nonnegative()
    .max(65535)
    .optional()
    .describe('its number for the PLC (recipe index register)'),
  model: z
    .object({ dir: z.string().min(1).describe('directory with manifest.json + model') })
    .optional()
    .describe("this product's model; default: the agent's (model.dir)"),
  thresholds: z
    .object({
      defect: z.number().optional().describe("default: the agent's, else the model manifest's"),
      uncertainBand: z.number().nonnegative().optional(),
    })
    .default({}),
  cameras: z
    .record(
      z.string(),
      z.object({
        regions: RegionsConfig.optional().describe("default: the camera's regions"),
        captureDelayMs: z
          .number()
          .min(-1000)
          .max(60_000)
          .optional()
          .describe("default: the camera trigger's"),
      }),
    )
    .default({})
    .describe('per camera id: regions and trigger timing for this product'),
});

export type RecipeConfig = z.infer<typeof RecipeConfig>;
