import { z } from 'zod';
import { ModelIdentity, ModelRef } from './messages.ts';

/**
 * Model delivery over MQTT (hub → agents) and rollout progress (agents → hub). A signed bundle travels as a
 * retained `meta` message and retained binary chunks on `sl/v1/models/{id}/{version}/…`; each agent's
 * retained `model/desired` names the bundle it should run and how.
 */

const timestamp = z.number().int().nonnegative().describe('epoch milliseconds');
const ms = z.number().nonnegative().describe('milliseconds');
const fraction = z.number().min(0).max(1);
const count = z.number().int().nonnegative();
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters');

/** Chunk size the hub cuts bundles into unless configured otherwise. */
export const BUNDLE_CHUNK_BYTES = 256 * 1024;
/** Largest bundle the contract carries. */
export const MAX_BUNDLE_BYTES = 1024 * 1024 * 1024;
const MAX_CHUNKS = 65_536;

/** Retained on `sl/v1/models/{id}/{version}/meta`: what an agent needs to fetch and check the chunks. */
export const BundleMeta = z
  .object({
    id: ModelRef.shape.id,
    version: ModelRef.shape.version,
    sha256: Sha256Hex.describe('SHA-256 of the whole bundle file'),
    bytes: z.number().int().positive().max(MAX_BUNDLE_BYTES),
    chunkBytes: z
      .number()
      .int()
      .min(1024)
      .max(4 * 1024 * 1024)
      .describe('bytes in every chunk but the last'),
    chunks: z.array(Sha256Hex).min(1).max(MAX_CHUNKS).describe('SHA-256 of each chunk, in order'),
    ts: timestamp,
  })
  .superRefine((m, ctx) => {
    if (m.chunks.length !== Math.ceil(m.bytes / m.chunkBytes)) {
      ctx.addIssue({
        code: 'custom',
        path: ['chunks'],
        message: `expected ${Math.ceil(m.bytes / m.chunkBytes)} chunk hashes for ${m.bytes} bytes in chunks of ${m.chunkBytes}`,
      });
    }
  });

export const Thresholds = z.object({
  defect: z.number().finite().describe('score at or above which a part is a defect'),
  uncertainBand: z.number().nonnegative().optional().describe('scores this close to it are "uncertain"'),
});

export const ROLLBACK_FORMAT = 'sightline-rollback-v1';

/**
 * Permission to go back to an older model than the highest an agent installed: signed (Ed25519) by a key the
 * agent trusts, over the canonical JSON of every field but `signature` (models/src/bundle/rollback.ts).
 */
export const RollbackOrder = z.object({
  format: z.literal(ROLLBACK_FORMAT),
  model: ModelIdentity.describe('the model to go back to'),
  rollout: z.string().max(128).optional(),
  reason: z.string().max(500),
  issued: timestamp,
  expires: timestamp.describe('the order is void after this time'),
  keyId: z.string().min(1).max(64),
  signature: z.string().min(1).max(256).describe('base64 Ed25519 signature'),
});

/** Retained on `.../model/desired`: the model this agent should run, how, and with which thresholds. */
export const ModelDesired = z.object({
  ts: timestamp,
  model: ModelIdentity.describe('the model wanted; sha256 is of its ONNX file, as in birth'),
  bundle: z
    .object({ sha256: Sha256Hex, bytes: z.number().int().positive().max(MAX_BUNDLE_BYTES) })
    .optional()
    .describe(
      'the signed bundle carrying it (sl/v1/models/{id}/{version}/meta); absent: a model the agent already has',
    ),
  mode: z
    .enum(['shadow', 'active'])
    .describe('shadow: run it beside the live model and compare; active: make it the live model'),
  shadow: z
    .object({ share: fraction.describe('share of frames the comparison runs on') })
    .optional()
    .describe(
      'compare on a share of frames: in shadow mode the wanted model shadows the live one; in active mode the previous model shadows the wanted one',
    ),
  thresholds: Thresholds.optional().describe('thresholds to apply; absent: keep the ones in force'),
  rollback: RollbackOrder.optional().describe('needed when the wanted model is older than one installed'),
  rollout: z.string().max(128).optional().describe('rollout id that set this'),
});

export const UpdatePhase = z.enum([
  'downloading',
  'verifying',
  'writing',
  'loading',
  'shadow',
  'switching',
  'probation',
  'active',
  'failed',
  'refused',
  'rolled-back',
]);

/** One model's side of a comparison. */
export const CompareSide = z.object({
  model: ModelRef,
  defects: count,
  errors: count.describe('frames the model failed on'),
  infer_p50: ms,
  infer_p95: ms,
  /** Score histogram over [0, 1] in 20 bins (scores outside are clamped). */
  hist: z.array(count).length(20),
});

/** Both models on the same frames: the rollout's gates read this. */
export const Compare = z.object({
  frames: count.describe('frames both models judged'),
  agree: count.describe('frames with the same verdict'),
  ok_to_defect: count.describe('baseline ok, candidate defect'),
  defect_to_ok: count.describe('baseline defect, candidate ok'),
  score_diff_mean: z.number().nonnegative(),
  score_diff_max: z.number().nonnegative(),
  skipped: count.describe(
    'frames chosen for comparison but skipped: the previous comparison was still running',
  ),
  baseline: CompareSide.describe('the model being replaced'),
  candidate: CompareSide.describe("the rollout's model"),
  pairs: z
    .array(z.tuple([z.number(), z.number()]))
    .max(200)
    .describe('a sample of (baseline score, candidate score) pairs'),
});

export const SelfTest = z.object({
  images: count,
  passed: z.boolean(),
  max_diff: z.number().nonnegative().describe('largest |score − expected| over the golden images'),
  p50_ms: ms,
});

/** Sent on `.../model/status` at every phase change and periodically while comparing. */
export const ModelStatus = z.object({
  ts: timestamp,
  model: ModelRef.describe('the model this status is about (the one desired)'),
  phase: UpdatePhase,
  progress: fraction.optional(),
  error: z.string().max(2000).optional(),
  code: z.string().max(64).optional().describe('stable SL_ code of a failure or refusal'),
  rollout: z.string().max(128).optional(),
  active: ModelIdentity.optional().describe('the model running live now'),
  shadow: ModelRef.optional().describe('the model running in shadow now'),
  thresholds: Thresholds.optional().describe('thresholds in force'),
  selftest: SelfTest.optional(),
  compare: Compare.optional(),
});

export type BundleMeta = z.infer<typeof BundleMeta>;
export type Thresholds = z.infer<typeof Thresholds>;
export type RollbackOrder = z.infer<typeof RollbackOrder>;
export type ModelDesired = z.infer<typeof ModelDesired>;
export type UpdatePhase = z.infer<typeof UpdatePhase>;
export type CompareSide = z.infer<typeof CompareSide>;
export type Compare = z.infer<typeof Compare>;
export type SelfTest = z.infer<typeof SelfTest>;
export type ModelStatus = z.infer<typeof ModelStatus>;
