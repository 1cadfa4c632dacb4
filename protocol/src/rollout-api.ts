/**
 * The hub's model registry and rollout API: request bodies (validated by the hub) and responses (the hub's
 * OpenAPI description is generated from them; the dashboard reads the inferred types).
 */
import { z } from 'zod';
import { ModelIdentity, ModelRef } from './messages.ts';
import { Compare, SelfTest, Thresholds, UpdatePhase } from './model-delivery.ts';

const ms = z.number().describe('epoch milliseconds');
const fraction = z.number().min(0).max(1);
const identifier = z.string().regex(/^[a-z0-9-]{1,64}$/, 'expected 1-64 of a-z, 0-9 and "-"');

/** A golden image's expected and measured score at the registry's check. */
export const GoldenOutcome = z.object({
  file: z.string(),
  expected: z.number(),
  got: z.number(),
});

export const RegistryEntry = z.object({
  id: z.string(),
  version: z.string(),
  sha256: z.string().describe('SHA-256 of the bundle file'),
  bytes: z.number(),
  model_sha256: z.string().describe('SHA-256 of the ONNX file'),
  key_id: z.string().describe('key that signed the bundle'),
  created: z.string(),
  expires: z.string().nullable(),
  uploaded_ts: ms,
  status: z.enum(['ready', 'rejected']).describe('ready: verified, loaded and its golden images passed'),
  reason: z.string().nullable().describe('why it was rejected'),
  selftest: SelfTest.extend({ outputs: z.array(GoldenOutcome), load_ms: z.number() }).nullable(),
  task: z.string(),
  threshold: z.number().describe("the manifest's default threshold"),
  evaluation: z.record(z.string(), z.unknown()).nullable(),
});

export const RegistryResponse = z.object({ models: z.array(RegistryEntry) });

export const StageKind = z.enum(['shadow', 'canary', 'wave']);

export const RolloutStageSpec = z.object({
  kind: StageKind.describe(
    'shadow: the model runs beside the live one; canary and wave: it becomes the live model',
  ),
  share: fraction
    .default(1)
    .describe(
      'share of the targets in this stage (cumulative: a wave of 0.5 after a canary of 0.1 adds 0.4)',
    ),
  frames: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('compared frames per agent to observe before the gates are read'),
  minutes: z.number().positive().optional().describe('or this long, whichever comes first'),
});

export const RolloutGates = z.object({
  minAgreement: fraction.default(0.95).describe('share of compared frames with the same verdict, at least'),
  maxLatencyMs: z.number().positive().optional().describe("candidate's p95 inference ms, at most"),
  maxLatencyRatio: z
    .number()
    .positive()
    .default(2)
    .describe("candidate's p95 inference over the baseline's, at most"),
  maxDefectRateChange: fraction
    .default(0.05)
    .describe('|candidate defect rate − baseline defect rate| on the same frames, at most'),
  maxErrorRate: fraction.default(0.01).describe('share of frames the candidate failed on, at most'),
});

export const RolloutTargets = z
  .object({
    sites: z.array(identifier).optional(),
    lines: z.array(identifier).optional(),
    agents: z
      .array(z.string().regex(/^[a-z0-9-]{1,64}(\/[a-z0-9-]{1,64}){0,2}$/))
      .optional()
      .describe('agent ids, or site/line/agent keys'),
    products: z.array(identifier).optional().describe('agents whose birth lists one of these recipes'),
  })
  .describe('agents matching every given list (an empty object: the whole fleet)');

export const RolloutSpec = z.object({
  model: ModelRef,
  targets: RolloutTargets.default({}),
  stages: z
    .array(RolloutStageSpec)
    .min(1)
    .max(16)
    .default([
      { kind: 'shadow', share: 1, frames: 500 },
      { kind: 'canary', share: 0.1, frames: 500 },
      { kind: 'wave', share: 0.5 },
      { kind: 'wave', share: 1 },
    ]),
  gates: RolloutGates.prefault({}),
  shadowShare: fraction.default(0.25).describe('share of frames compared while a stage observes'),
  agentTimeoutS: z
    .number()
    .positive()
    .default(600)
    .describe('an online agent that has not reached its stage after this long is timed out and left out'),
  thresholds: Thresholds.optional().describe('thresholds the model runs with; default: its manifest’s'),
});

export const AgentProgress = z.enum(['waiting', 'offline', 'timed-out', ...UpdatePhase.options]);

export const RolloutAgent = z.object({
  key: z.string(),
  site: z.string(),
  line: z.string(),
  agent: z.string(),
  stage: z.number().describe('index of the first stage it takes part in'),
  shadow_stage: z.number().nullable().describe('first stage it runs the model in shadow'),
  active_stage: z.number().nullable().describe('first stage the model goes live on it'),
  mode: z
    .enum(['shadow', 'active', 'rollback'])
    .nullable()
    .describe('what this rollout asked of it; null: nothing yet'),
  desired_ts: ms.nullable().describe('when this rollout last set its desired state'),
  frames_base: z
    .number()
    .describe('compared frames when the current stage began observing: a stage counts its own'),
  from: ModelIdentity.nullable().describe('the model it ran when the rollout started'),
  progress: AgentProgress,
  progress_share: z.number().nullable(),
  error: z.string().nullable(),
  code: z.string().nullable(),
  compare: Compare.nullable(),
  selftest: SelfTest.nullable(),
  updated_ts: ms,
});

export const GateResult = z.object({
  gate: z.string(),
  value: z.number().nullable(),
  limit: z.number(),
  passed: z.boolean(),
});

export const RolloutState = z.enum([
  'deploying',
  'observing',
  'rolling-back',
  'completed',
  'rolled-back',
  'failed',
]);

export const Rollout = z.object({
  id: z.string(),
  spec: RolloutSpec,
  model: ModelIdentity,
  bundle: z.object({ sha256: z.string(), bytes: z.number() }),
  state: RolloutState,
  stage: z.number().describe('index of the current stage'),
  stage_started_ts: ms,
  created_ts: ms,
  updated_ts: ms,
  reason: z.string().nullable().describe('why it is in this state'),
  gates: z.array(z.object({ stage: z.number(), ts: ms, results: z.array(GateResult) })),
  agents: z.array(RolloutAgent),
});

export const RolloutEvent = z.object({
  ts: ms,
  rollout: z.string(),
  kind: z
    .string()
    .describe(
      'started, stage, gates, advanced, promoted, agent, timed-out, failed, rolling-back, rolled-back, completed, cancelled, thresholds',
    ),
  reason: z.string(),
  agent: z.string().optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
});

export const RolloutsResponse = z.object({ rollouts: z.array(Rollout) });
export const RolloutEventsResponse = z.object({ events: z.array(RolloutEvent) });

export const FleetAgentModel = z.object({
  key: z.string(),
  site: z.string(),
  line: z.string(),
  agent: z.string(),
  online: z.boolean(),
  active: ModelIdentity.nullable(),
  shadow: ModelRef.nullable(),
  phase: AgentProgress.nullable(),
  thresholds: Thresholds.nullable(),
  desired: z
    .object({ model: ModelIdentity, mode: z.enum(['shadow', 'active']), rollout: z.string().nullable() })
    .nullable(),
});

export const FleetModelsResponse = z.object({
  agents: z.array(FleetAgentModel),
  mix: z.array(z.object({ id: z.string(), version: z.string(), agents: z.number() })),
});

export const ThresholdsRequest = z.object({
  site: identifier,
  line: identifier.optional(),
  agent: identifier.optional(),
  thresholds: Thresholds,
  reason: z.string().min(1).max(500).describe('why: kept with the audit event'),
  by: z.string().max(128).optional().describe('who set them'),
});

export type RegistryEntry = z.infer<typeof RegistryEntry>;
export type RegistryResponse = z.infer<typeof RegistryResponse>;
export type GoldenOutcome = z.infer<typeof GoldenOutcome>;
export type RolloutStageSpec = z.infer<typeof RolloutStageSpec>;
export type RolloutGates = z.infer<typeof RolloutGates>;
export type RolloutTargets = z.infer<typeof RolloutTargets>;
export type RolloutSpec = z.infer<typeof RolloutSpec>;
export type RolloutSpecInput = z.input<typeof RolloutSpec>;
export type AgentProgress = z.infer<typeof AgentProgress>;
export type RolloutAgent = z.infer<typeof RolloutAgent>;
export type GateResult = z.infer<typeof GateResult>;
export type RolloutState = z.infer<typeof RolloutState>;
export type Rollout = z.infer<typeof Rollout>;
export type RolloutEvent = z.infer<typeof RolloutEvent>;
export type RolloutsResponse = z.infer<typeof RolloutsResponse>;
export type RolloutEventsResponse = z.infer<typeof RolloutEventsResponse>;
export type FleetAgentModel = z.infer<typeof FleetAgentModel>;
export type FleetModelsResponse = z.infer<typeof FleetModelsResponse>;
export type ThresholdsRequest = z.infer<typeof ThresholdsRequest>;
