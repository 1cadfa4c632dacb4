/**
 * Response shapes of the hub's HTTP API and live stream, shared by the hub (which produces them and generates
 * its OpenAPI description from these schemas) and the dashboard (which reads the inferred types only).
 */
import { z } from 'zod';

const ms = z.number().describe('epoch milliseconds');
const interval = z.tuple([z.number(), z.number()]);

/** Frames from agent stats and the share of captured frames the model inspected. */
export const Coverage = z.object({
  frames_captured: z.number().describe('frames cameras delivered (agent stats)'),
  frames_inspected: z.number().describe('frames the model inspected (agent stats)'),
  frames_dropped: z.number().describe('frames dropped (agent stats)'),
  coverage: z.number().nullable().describe('frames_inspected / frames_captured; null when no stats arrived'),
});

export const LatencySummary = z.object({
  mean_ms: z.number().nullable(),
  p50_ms: z
    .number()
    .nullable()
    .describe(
      'upper bound of the histogram bucket holding the median (5, 10, 20, 50, 100, 200, 500, 1000 ms; null above 1 s)',
    ),
  p95_ms: z.number().nullable(),
  max_ms: z.number().nullable(),
});

/** Metrics of one production line over a window: n, x, Wilson interval, throughput from run time. */
export const LineMetrics = z.object({
  site: z.string(),
  line: z.string(),
  agents: z.number().describe('distinct agents with a live result in the window'),
  inspected: z.number().describe('live results in the window (every verdict); shadow results are apart'),
  defects: z.number().describe('results whose verdict is defect'),
  uncertain: z.number(),
  defect_rate: z.number().describe('defects / inspected; 0 when nothing was inspected'),
  defect_rate_ci: interval.describe('Wilson 95 % interval of defect_rate; [0, 1] when nothing was inspected'),
  run_min: z.number().describe("minutes the line's agents were running in the window (agent stats)"),
  parts_per_min: z.number().describe('inspected / run_min: a stopped line reads 0, not its old rate'),
  truth_n: z.number().describe('results that carried a ground-truth label'),
  true_defect_rate: z.number().nullable(),
  first_ts: ms.nullable(),
  last_ts: ms.nullable(),
  shadow: z.object({ inspected: z.number(), defects: z.number() }),
  coverage: Coverage,
  latency: LatencySummary,
});

export const LinesResponse = z.object({
  window_s: z.number(),
  now: ms.describe("hub clock; 'last seen' is measured against it, not the browser's clock"),
  lines: z.array(LineMetrics),
});

export const SeriesPoint = z.object({
  start: ms,
  end: ms.describe('exclusive'),
  n: z.number(),
  x: z.number().describe('defects'),
  uncertain: z.number(),
  rate: z.number().describe('x / n; 0 when n = 0'),
  ci: interval.describe('Wilson 95 % interval of x / n'),
  ucl: z.number().nullable().describe('p-chart upper limit for this n: p̄ + 3·sqrt(p̄(1−p̄)/n)'),
  lcl: z.number().nullable().describe('p-chart lower limit, floored at 0'),
  signal: z.enum(['above', 'below']).nullable().describe('point beyond its limit'),
  run_min: z.number(),
  parts_per_min: z.number(),
  truth_n: z.number(),
  true_defect_rate: z.number().nullable(),
  classes: z.record(z.string(), z.number()).describe('defects per class'),
  coverage: Coverage,
  latency: LatencySummary,
});

export const BucketName = z.enum(['minute', 'hour', 'shift', 'day']);

export const SeriesResponse = z.object({
  site: z.string(),
  line: z.string(),
  bucket: z.string().describe('minute, hour, shift, day, or a custom length like 15m or 2h'),
  bucket_minutes: z.number(),
  from: ms,
  to: ms,
  reference: z.object({
    from: ms,
    to: ms,
    n: z.number(),
    x: z.number(),
    p_bar: z.number().nullable().describe('Σx/Σn over the reference period; null when it has no results'),
  }),
  points: z.array(SeriesPoint),
});

export const AgentCoverage = Coverage.extend({
  agent: z.string(),
  inspected: z.number(),
  run_min: z.number(),
});
export const LineCoverage = Coverage.extend({
  site: z.string(),
  line: z.string(),
  agents: z.array(AgentCoverage),
});
export const CoverageResponse = z.object({ window_s: z.number(), now: ms, lines: z.array(LineCoverage) });

export const StoredResult = z.object({
  site: z.string(),
  line: z.string(),
  agent: z.string(),
  seq: z.number(),
  ts: ms.describe(
    "capture time used for every figure: the device's, or the receive time when its clock was off",
  ),
  device_ts: ms,
  received_ts: ms,
  clock: z
    .enum(['ok', 'ahead', 'behind'])
    .describe('ahead/behind: device clock off by more than the skew limit'),
  frame: z.string(),
  camera: z.string().nullable(),
  model: z.object({ id: z.string(), version: z.string() }),
  verdict: z.enum(['ok', 'defect', 'uncertain']),
  score: z.number(),
  threshold: z.number(),
  latency_total: z.number(),
  shadow: z.boolean(),
  replayed: z.boolean(),
  truth: z.enum(['ok', 'defect']).nullable(),
  image: z.string().nullable(),
  part: z.string().nullable().describe('part id (triggered inspection), searchable: /api/results?part='),
  recipe: z.string().nullable().describe('product recipe in force for the part'),
});

/** One product (recipe) of a line over a window. */
export const RecipeMetrics = z.object({
  recipe: z.string().describe('recipe id; "" for results that named none'),
  inspected: z.number(),
  defects: z.number(),
  uncertain: z.number(),
  defect_rate: z.number().describe('defects / inspected'),
  defect_rate_ci: interval.describe('Wilson 95 % interval of defect_rate'),
  truth_n: z.number(),
  true_defect_rate: z.number().nullable(),
  share: z.number().describe("this recipe's share of the line's inspected parts"),
});

export const RecipesResponse = z.object({
  window_s: z.number(),
  now: ms,
  lines: z.array(z.object({ site: z.string(), line: z.string(), recipes: z.array(RecipeMetrics) })),
});

export const ResultsResponse = z.object({
  results: z.array(StoredResult),
  next: z.string().nullable().describe('pass as `after` for the next page; null on the last page'),
});

export const StoreCounters = z.object({
  results: z.number().describe('results stored'),
  duplicates: z.number().describe('redelivered results ignored'),
  deadLetters: z.number().describe('rejected messages kept for inspection'),
});

export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  /** Why the status is degraded, one sentence each. */
  reasons: z.array(z.string()),
  broker: z.object({ connected: z.boolean() }),
  store: z.union([StoreCounters, z.object({ error: z.string() })]),
  ingest: z.object({
    state: z.enum(['ready', 'committing', 'failing']),
    backlog: z.object({ ops: z.number(), results: z.number() }),
    commit_lag_ms: z.number().describe('age of the oldest write not yet committed'),
    store_failures: z.number(),
    last_error: z.string().nullable(),
    messages: z.number(),
    dead_letters: z.number(),
  }),
  uptime_s: z.number(),
});

/** Live stream (`GET /api/stream`, server-sent events) payloads, by event name. */
export const LineUpdate = LineMetrics.extend({ window_s: z.number(), now: ms });
export const AgentUpdate = z.object({
  site: z.string(),
  line: z.string(),
  agent: z.string(),
  online: z.boolean().nullable(),
  session: z.string().nullable(),
  ts: ms,
});

export const ApiErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export type Coverage = z.infer<typeof Coverage>;
export type LatencySummary = z.infer<typeof LatencySummary>;
export type LineMetrics = z.infer<typeof LineMetrics>;
export type LinesResponse = z.infer<typeof LinesResponse>;
export type SeriesPoint = z.infer<typeof SeriesPoint>;
export type SeriesResponse = z.infer<typeof SeriesResponse>;
export type BucketName = z.infer<typeof BucketName>;
export type LineCoverage = z.infer<typeof LineCoverage>;
export type AgentCoverage = z.infer<typeof AgentCoverage>;
export type CoverageResponse = z.infer<typeof CoverageResponse>;
export type StoredResult = z.infer<typeof StoredResult>;
export type RecipeMetrics = z.infer<typeof RecipeMetrics>;
export type RecipesResponse = z.infer<typeof RecipesResponse>;
export type ResultsResponse = z.infer<typeof ResultsResponse>;
export type StoreCounters = z.infer<typeof StoreCounters>;
export type HealthResponse = z.infer<typeof HealthResponse>;
export type LineUpdate = z.infer<typeof LineUpdate>;
export type AgentUpdate = z.infer<typeof AgentUpdate>;
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;
