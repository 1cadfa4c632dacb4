import { z } from 'zod';

/** Epoch milliseconds. */
const timestamp = z.number().int().nonnegative().describe('epoch milliseconds');
const ms = z.number().nonnegative().describe('milliseconds');
const fraction = z.number().min(0).max(1);
const name = z.string().min(1).max(128);

export const ModelRef = z.object({
  id: name.describe('model id, e.g. "default"'),
  version: name.describe('model version, e.g. "1.0.0"'),
});
export const ModelIdentity = ModelRef.extend({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters'),
});

export const Verdict = z.enum(['ok', 'defect', 'uncertain']);

/** pilot: the agent decides and reports but does not act (observe-only); live: it acts on its verdicts. */
export const Mode = z.enum(['pilot', 'live']);

export const Box = z.object({
  x: z.number(),
  y: z.number(),
  w: z.number().nonnegative(),
  h: z.number().nonnegative(),
  label: z.string().max(128).optional(),
  score: fraction.optional(),
});

/** Where a part's id came from: the trigger (PLC, MES), a code read in the image, or the agent's counter. */
export const PartIdSource = z.enum(['trigger', 'code', 'counter']);

/** The part a result is about (triggered inspection). */
export const PartRef = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .describe('part id: serial, lot/part from the PLC or MES, a read code, or a counter'),
  from: PartIdSource.describe('where the id came from'),
});

/** What started a part's inspection. */
export const TriggerRef = z.object({
  kind: z
    .string()
    .min(1)
    .max(32)
    .describe('free-run, gpio, mqtt, http, plc, presence, conveyor (simulated photo-eye)'),
  ts: timestamp.describe('trigger time (the photo-eye edge, the command, the best-placed frame)'),
  delay: z
    .number()
    .finite()
    .describe("capture delay, ms: the chosen frame's capture time minus the trigger time"),
});

/** One inspection region's own outcome (a part's verdict combines them: any defect is a defect). */
export const RegionResult = z.object({
  name: z.string().min(1).max(64),
  verdict: Verdict,
  score: z.number().finite(),
  threshold: z.number().finite(),
  model: ModelRef.optional().describe("the region's model, when it is not the result's"),
  classes: z.record(z.string(), z.number().finite()).optional(),
  boxes: z.array(Box).max(64).optional().describe('in region pixels'),
});

/** One inspection result (DESIGN.md "One inspection result"). */
export const InspectionResult = z.object({
  seq: z.number().int().nonnegative().describe('per-agent sequence number, monotonic across restarts'),
  ts: timestamp.describe('capture time'),
  frame: z.string().min(1).max(128).describe('frame id'),
  camera: z.string().min(1).max(64).optional().describe('camera id within the agent'),
  model: ModelRef,
  verdict: Verdict,
  score: z.number().finite().describe('model score; higher means more likely defective'),
  threshold: z.number().finite().describe('score at or above which the verdict is "defect"'),
  classes: z.record(z.string(), z.number().finite()).optional().describe('per-class scores'),
  boxes: z.array(Box).max(256).optional(),
  latency: z.object({ capture: ms, preprocess: ms, infer: ms, total: ms }),
  image: z.string().max(512).optional().describe('reference to a stored image; never image bytes'),
  shadow: z
    .boolean()
    .default(false)
    .describe('true for a result of the model running in shadow beside the live one (never acted on)'),
  live: z
    .object({ model: ModelRef, verdict: Verdict, score: z.number().finite() })
    .optional()
    .describe("shadow results: the live model's verdict and score for the same frame"),
  replayed: z.boolean().default(false).describe('true when sent from the outbox after an outage'),
  mode: Mode.default('live').describe("the agent's mode when it decided: in pilot it did not act"),
  truth: z
    .enum(['ok', 'defect'])
    .optional()
    .describe('ground truth, when the source knows it (synthetic sources, labelled replays)'),
  part: PartRef.optional().describe(
    'the part inspected (triggered inspection): its id and where it came from',
  ),
  trigger: TriggerRef.optional().describe('what started the inspection, when, and the capture delay'),
  recipe: z.string().min(1).max(64).optional().describe('the product recipe in force for this part'),
  regions: z
    .array(RegionResult)
    .max(32)
    .optional()
    .describe("each inspection region's outcome, when the camera has regions"),
});

export const ResultsBatch = z.object({
  session: z.string().min(1).max(64),
  results: z.array(InspectionResult).min(1).max(1000),
});

export const CameraInfo = z.object({
  id: z.string().min(1).max(64),
  source: z.string().min(1).max(32).describe('source kind: synthetic, file, device, rtsp, gstreamer, folder'),
  state: z.enum(['starting', 'running', 'stalled', 'reconnecting', 'failed', 'stopped']).optional(),
});

export const Birth = z.object({
  session: z.string().min(1).max(64).describe('new on every (re)connect'),
  ts: timestamp,
  agentVersion: z.string().min(1).max(64),
  model: ModelIdentity,
  cameras: z.array(CameraInfo).max(64),
  thresholds: z.object({ defect: z.number().finite(), uncertainBand: z.number().nonnegative().optional() }),
  capabilities: z.array(z.string().max(64)).max(64),
  runtime: z.string().max(64).optional().describe('inference runtime in use, e.g. "onnxruntime-web"'),
  recipe: z.string().min(1).max(64).optional().describe('the product recipe in force'),
  recipes: z.array(z.string().min(1).max(64)).max(256).optional().describe('the recipes this agent knows'),
  mode: Mode.optional().describe('pilot or live; absent from agents that predate modes (they act: live)'),
});

export const AgentState = z.object({
  online: z.boolean(),
  session: z.string().min(1).max(64),
  ts: timestamp,
});

const percentiles = z.object({ p50: ms, p95: ms, p99: ms });

export const Stats = z.object({
  ts: timestamp,
  session: z.string().min(1).max(64),
  uptime_s: z.number().nonnegative(),
  fps: z.object({ in: z.number().nonnegative(), processed: z.number().nonnegative() }),
  dropped: z.number().int().nonnegative().describe('frames dropped since start'),
  drops: z
    .record(z.string().max(64), z.number().int().nonnegative())
    .optional()
    .describe('frames dropped since start, by reason (pipeline_busy, record_backlog, failed, stopped)'),
  latency: percentiles.describe('capture to verdict'),
  stages: z
    .object({
      capture: percentiles,
      preprocess: percentiles,
      infer: percentiles,
      act: percentiles.optional(),
    })
    .optional()
    .describe('latency percentiles per pipeline stage'),
  runtime: z.string().max(64).optional().describe('inference runtime in use'),
  parts: z
    .object({
      triggered: z.number().int().nonnegative().describe('parts announced by a trigger since start'),
      inspected: z.number().int().nonnegative(),
      missed: z.number().int().nonnegative().describe('triggers with no usable frame'),
      late: z.number().int().nonnegative().describe('verdicts that came too late for their reject window'),
    })
    .optional()
    .describe('parts since start (triggered inspection)'),
  recipe: z.string().min(1).max(64).optional().describe('the product recipe in force'),
  outbox: z.object({
    depth: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative().describe('results dropped by the on-full policy'),
  }),
  cpu: z.number().nonnegative().describe('process CPU use, 1.0 = one core'),
  memory_mb: z.number().nonnegative(),
  temperature_c: z.number().optional(),
  cameras: z.array(CameraInfo).max(64),
});

export const EventKind = z.enum([
  'camera_lost',
  'camera_restored',
  'model_load_failed',
  'disk_full',
  'outbox_overflow',
  'config_changed',
  'part_missed',
  'reject_late',
  'model_refused',
  'model_activated',
  'model_rolled_back',
  'thresholds_changed',
]);

export const AgentEvent = z.object({
  ts: timestamp,
  kind: EventKind,
  severity: z.enum(['info', 'warning', 'critical']),
  message: z.string().min(1).max(2000).describe('what happened and what to do, for a technician'),
  detail: z.record(z.string(), z.unknown()).optional(),
});

/** Largest sample image an agent sends; larger images are re-encoded smaller or skipped. */
export const MAX_SAMPLE_BYTES = 8 * 1024 * 1024;
/** Bytes in each binary chunk but the last. */
export const SAMPLE_CHUNK_BYTES = 64 * 1024;

/**
 * Sent first on `.../samples/{sha256}/meta`; chunks 0..chunks-1 follow on `.../samples/{sha256}/{n}` as raw
 * bytes of SAMPLE_CHUNK_BYTES (the last may be shorter). The hub stores the image once per sha256.
 */
export const SampleMeta = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters'),
  bytes: z.number().int().positive().max(MAX_SAMPLE_BYTES),
  chunks: z
    .number()
    .int()
    .positive()
    .max(Math.ceil(MAX_SAMPLE_BYTES / SAMPLE_CHUNK_BYTES)),
  content_type: z.enum(['image/jpeg', 'image/png']),
  width: z.number().int().positive().max(16384).optional(),
  height: z.number().int().positive().max(16384).optional(),
  ts: timestamp.describe('capture time of the frame'),
  seq: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe("the inspection result's seq, when the sample is one"),
  camera: z.string().min(1).max(64).optional(),
  frame: z.string().min(1).max(128).optional(),
  model: ModelRef.optional(),
  verdict: Verdict.optional(),
  score: z.number().finite().optional(),
  threshold: z.number().finite().optional(),
  region: Box.optional().describe('defect region in image pixels, when the model gives one'),
  boxes: z.array(Box).max(256).optional(),
  reason: z.string().max(64).optional().describe('why it was sampled: defect, uncertain, near, ok, capture'),
});

/** What a hub can do beyond the base contract, listed in its retained state; agents adapt to what it lists. */
export const HUB_CAPABILITIES = {
  /** The hub publishes `.../ack` after each commit: agents keep a result until the hub confirms it. */
  resultsAck: 'results-ack',
} as const;

export const HubState = z.object({
  online: z.boolean(),
  ts: timestamp,
  capabilities: z
    .array(z.string().min(1).max(64))
    .max(64)
    .optional()
    .describe('what this hub does beyond the base contract, e.g. "results-ack"; absent from older hubs'),
});

/** An inclusive interval of seqs, [lo, hi]. */
const SeqRange = z
  .tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])
  .refine(([lo, hi]) => lo <= hi, 'expected [lo, hi] with lo <= hi');

/** Most ranges in one ack message; a hub with more to say sends several. */
export const MAX_ACK_RANGES = 256;

/**
 * `sl/v1/{site}/{line}/{agent}/ack`, hub → agent after a commit: which of the agent's seqs the hub holds. The
 * agent keeps a result in its outbox until a `stored` range covers its seq (the broker's PUBACK alone is not
 * enough: a broker may acknowledge before it persists). Ranges are whole intervals of what the hub has stored,
 * so one message may confirm seqs sent long before.
 */
export const ResultsAck = z.object({
  ts: timestamp,
  stored: z
    .array(SeqRange)
    .max(MAX_ACK_RANGES)
    .describe('seq intervals [lo, hi] (inclusive) committed to the store; covers redelivered seqs too'),
  rejected: z
    .array(SeqRange)
    .max(MAX_ACK_RANGES)
    .optional()
    .describe('seqs of result messages the hub refused and kept as dead letters: not stored, do not resend'),
});

/**
 * Who asked for a command: the hub fills it from the signed-in person (or the program's token name), so the
 * agent can report every change with its author. Only the hub may publish commands (broker ACL).
 */
const by = z
  .string()
  .min(1)
  .max(128)
  .optional()
  .describe('who asked: the person or program, as the hub knows them');

/** Command payloads by command name (topic `.../cmd/{name}`). */
export const Commands = {
  rebirth: z.object({ id: z.string().max(64).optional(), by }),
  capture: z.object({ id: z.string().max(64).optional(), by, camera: z.string().max(64).optional() }),
  'set-threshold': z.object({
    id: z.string().max(64).optional(),
    by,
    threshold: z.number().min(0).max(1).describe('defect threshold: a score in [0, 1]'),
  }),
  /** A part to inspect now (the PLC or MES through the broker). */
  trigger: z.object({
    id: z.string().max(64).optional(),
    by,
    camera: z.string().min(1).max(64).optional().describe('default: every camera whose trigger kind is mqtt'),
    part: z.string().min(1).max(128).optional().describe('the part id, when the sender knows it'),
  }),
  /** Product changeover. */
  recipe: z
    .object({
      id: z.string().max(64).optional(),
      by,
      recipe: z.string().min(1).max(64).optional().describe('recipe id'),
      index: z.number().int().nonnegative().max(65535).optional().describe("or the recipe's PLC index"),
    })
    .refine((c) => c.recipe !== undefined || c.index !== undefined, 'name the recipe (recipe) or its index'),
  /** The line's mode; the agent keeps it across restarts and re-announces its birth. */
  'set-mode': z.object({ id: z.string().max(64).optional(), mode: Mode }),
} as const;
export type CommandName = keyof typeof Commands;

export type ModelRef = z.infer<typeof ModelRef>;
export type ModelIdentity = z.infer<typeof ModelIdentity>;
export type Verdict = z.infer<typeof Verdict>;
export type Mode = z.infer<typeof Mode>;
export type InspectionResult = z.infer<typeof InspectionResult>;
/** A result as an agent builds it: defaults may be left out. */
export type InspectionResultInput = z.input<typeof InspectionResult>;
export type ResultsBatch = z.infer<typeof ResultsBatch>;
export type CameraInfo = z.infer<typeof CameraInfo>;
export type Birth = z.infer<typeof Birth>;
export type AgentState = z.infer<typeof AgentState>;
export type Stats = z.infer<typeof Stats>;
export type AgentEvent = z.infer<typeof AgentEvent>;
export type HubState = z.infer<typeof HubState>;
export type ResultsAck = z.infer<typeof ResultsAck>;
export type SeqRange = ResultsAck['stored'][number];
export type SampleMeta = z.infer<typeof SampleMeta>;
export type PartRef = z.infer<typeof PartRef>;
export type TriggerRef = z.infer<typeof TriggerRef>;
export type RegionResult = z.infer<typeof RegionResult>;
