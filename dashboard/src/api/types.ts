/** The hub's API shapes live in @sightline/protocol; the dashboard's own view choices live here. */
import type { AgentState, AlarmRule, Baseline, Birth, Label, ModelStatus, Stats } from '@sightline/protocol';

/** Shapes the protocol package declares as schemas without a type export. */
export interface BaselineResponse {
  baseline: Baseline | null;
}
export interface LabelsResponse {
  labels: Label[];
}
export interface AlarmRulesResponse {
  rules: AlarmRule[];
}

/**
 * A stored sample image (`GET /api/samples`). Mirrors protocol's SampleRecord from the hub's sample store
 * (wt/integrate); switch to the protocol type once that is on main.
 */
/** A region in image pixels (protocol's Box). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  label?: string;
  score?: number;
}

export interface SampleRecord {
  id: number;
  sha256: string;
  site: string;
  line: string;
  agent: string;
  seq: number | null;
  ts: number;
  frame: string | null;
  camera: string | null;
  verdict: 'ok' | 'defect' | 'uncertain' | null;
  score: number | null;
  threshold: number | null;
  model: { id: string; version: string } | null;
  region: Box | null;
  boxes: Box[] | null;
  reason: string | null;
  width: number | null;
  height: number | null;
  bytes: number;
  content_type: 'image/jpeg' | 'image/png';
  received_ts: number;
  label: string | null;
  url: string;
}
/** `GET /api/recipes` (a line split by product): mirrors protocol's RecipesResponse from wt/parts. */
export interface RecipeMetrics {
  recipe: string;
  inspected: number;
  defects: number;
  uncertain: number;
  defect_rate: number;
  defect_rate_ci: [number, number];
  truth_n: number;
  true_defect_rate: number | null;
  share: number;
}
export interface RecipesResponse {
  window_s: number;
  now: number;
  lines: Array<{ site: string; line: string; recipes: RecipeMetrics[] }>;
}

export interface SamplesResponse {
  samples: SampleRecord[];
  next: string | null;
}
export interface SampleLabelResponse {
  sha256: string;
  label: string | null;
  rows: number;
}

/** Time windows the fleet view offers; the hub parses them as durations. */
export const WINDOWS = ['1m', '5m', '1h', '8h', '24h'] as const;
export type TimeWindow = (typeof WINDOWS)[number];
/** Length of each window, to tell whether an answer is for the window now selected. */
export const WINDOW_SECONDS: Record<TimeWindow, number> = {
  '1m': 60,
  '5m': 300,
  '1h': 3600,
  '8h': 28_800,
  '24h': 86_400,
};

/** One agent as `/api/agents` returns it: its latest birth, state, stats and model status. */
export interface AgentSnapshot {
  site: string;
  line: string;
  agent: string;
  birth: Birth | null;
  state: AgentState | null;
  stats: Stats | null;
  model_status: ModelStatus | null;
  /** When the hub last heard from the agent (hub clock, ms). */
  last_seen_ts: number;
}
export interface AgentsResponse {
  agents: AgentSnapshot[];
}

export type {
  AgentUpdate,
  Alarm,
  AlarmKind,
  AlarmRule,
  AlarmRuleBody,
  AlarmsResponse,
  ApiErrorBody,
  AuditCounts,
  AuditSample,
  Baseline,
  ClockResponse,
  CoverageResponse,
  CumulativeRoi,
  Figure,
  FleetRoiResponse,
  HealthResponse,
  Label,
  LabelKind,
  LineCoverage,
  LineMetrics,
  LineMode,
  LineModeState,
  LinesResponse,
  LineUpdate,
  ModesResponse,
  Opportunity,
  OpportunityResponse,
  RoiFigures,
  RoiInputChange,
  RoiInputName,
  RoiInputs,
  RoiInputsState,
  RoiReport,
  RoiSummary,
  SeriesPoint,
  SeriesResponse,
  Severity,
} from '@sightline/protocol';
