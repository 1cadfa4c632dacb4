import { z } from 'zod';

export const FAILPOINTS = ['download', 'verify', 'write', 'switch', 'load', 'probation'] as const;
export type Failpoint = (typeof FAILPOINTS)[number];

export const UpdateConfig = z.object({
  enabled: z.boolean().default(true).describe('take model updates from the hub (model/desired)'),
  trustedKeys: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Ed25519 public keys (PEM file paths, or the PEM text) a bundle or a rollback order must be signed with; list the old and new key while rotating. None: every update is refused',
    )
    .meta({ examples: [['/etc/sightline/keys/models-2025.pub.pem']] }),
  dir: z
    .string()
    .optional()
    .describe('where installed models live (two slots and a pointer); default: <stateDir>/models'),
  chunkWindow: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(8)
    .describe('bundle chunks asked for at once while downloading'),
  probation: z
    .object({
      frames: z
        .number()
        .int()
        .min(1)
        .default(200)
        .describe('frames a newly activated model must inspect before it counts as good'),
      seconds: z.number().min(0).default(60).describe('and at least this long'),
      maxErrorRate: z
        .number()
        .min(0)
        .max(1)
        .default(0.1)
        .describe('share of failed frames during probation that sends the agent back to the last good model'),
      maxBoots: z
        .number()
        .int()
        .min(1)
        .default(3)
        .describe('starts during probation (crashes, restart loops) before the last good model is restored'),
    })
    .default({ frames: 200, seconds: 60, maxErrorRate: 0.1, maxBoots: 3 }),
  failpoints: z
    .array(z.enum(FAILPOINTS))
    .default([])
    .describe('tests only: the agent kills itself (SIGKILL) at these update stages, as a power cut would'),
});

export type UpdateConfig = z.infer<typeof UpdateConfig>;
