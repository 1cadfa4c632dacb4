import { z } from 'zod';

const perHour = (fallback: number, what: string) =>
  z.number().int().nonnegative().default(fallback).describe(`${what} saved per hour at most; 0 = none`);

export const SamplesConfig = z.object({
  enabled: z.boolean().default(false).describe('save sample frames as JPEG for review and retraining'),
  dir: z
    .string()
    .optional()
    .describe('where samples go; default: <stateDir>/samples')
    .meta({ examples: ['/var/lib/sightline/samples'] }),
  maxPerHour: z
    .object({
      defect: perHour(120, 'defect frames'),
      near: perHour(60, 'frames scoring within nearBand of the threshold'),
      ok: perHour(30, 'randomly chosen OK frames'),
    })
    .default({ defect: 120, near: 60, ok: 30 }),
  maxMB: z
    .number()
    .positive()
    .default(1024)
    .describe('disk quota for samples; beyond it the oldest are deleted and counted'),
  okShare: z
    .number()
    .min(0)
    .max(1)
    .default(0.01)
    .describe('share of OK frames saved at random, 0-1')
    .meta({ examples: [0.01] }),
  nearBand: z
    .number()
    .nonnegative()
    .default(0.05)
    .describe('frames scoring this close to the threshold are saved as "near"'),
  jpegQuality: z.number().int().min(1).max(100).default(85).describe('JPEG quality, 1-100'),
  upload: z
    .object({
      enabled: z
        .boolean()
        .default(true)
        .describe(
          'send each saved sample to the hub over MQTT (samples/{sha256}/...); results then reference it as sha256:<hex>',
        ),
      bytesPerSecond: z
        .number()
        .int()
        .min(1024)
        .default(262_144)
        .describe('sample bytes sent per second at most, so images never crowd out results on a thin link')
        .meta({ examples: [262_144] }),
    })
    .default({ enabled: true, bytesPerSecond: 262_144 })
    .describe('unsent samples are kept in <samples dir>/outgoing and sent after a restart or an outage'),
});

export type SamplesConfig = z.infer<typeof SamplesConfig>;
