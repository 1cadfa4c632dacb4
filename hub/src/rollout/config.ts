import { z } from 'zod';

const digits = (v: unknown) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v);

export const RegistryConfig = z
  .strictObject({
    dir: z
      .string()
      .min(1)
      .optional()
      .describe('where uploaded bundles are kept; default: a "models" folder beside the DuckDB file')
      .meta({ examples: ['/var/lib/sightline/models'] }),
    trustedKeys: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Ed25519 public keys (PEM file paths, or PEM text) a bundle must be signed with to be accepted; list old and new while rotating. None: every upload is refused',
      )
      .meta({ examples: [['/etc/sightline/keys/models-2025.pub.pem']] }),
    chunkBytes: z
      .preprocess(
        digits,
        z
          .int()
          .min(16 * 1024)
          .max(4 * 1024 * 1024),
      )
      .default(256 * 1024)
      .describe('bundles go to agents in MQTT messages of this size')
      .meta({ examples: [262144] }),
  })
  .prefault({});

export const RolloutConfig = z
  .strictObject({
    dir: z
      .string()
      .min(1)
      .optional()
      .describe(
        'rollouts, their events and each agent’s desired state; default: a "rollouts" folder beside the DuckDB file',
      ),
    signingKey: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Ed25519 private key (PEM file) that signs rollback orders; agents must trust its public key. Default: one made in the rollouts folder on first start (its public key is logged)',
      )
      .meta({ examples: ['/etc/sightline/keys/rollback.pem'] }),
    tickMs: z
      .preprocess(digits, z.int().min(50).max(60_000))
      .default(1000)
      .describe('how often rollouts look at their agents and gates'),
  })
  .prefault({});

export type RegistryConfig = z.infer<typeof RegistryConfig>;
export type RolloutConfig = z.infer<typeof RolloutConfig>;
