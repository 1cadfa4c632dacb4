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

export interface StoredEvent {
  site: string;
  line: string;
  agent: string;
  ts: number;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  message: string;
  received_ts: number;
}
export interface EventsResponse {
  events: StoredEvent[];
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
  ResultsResponse,
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
  StoredResult,
} from '@sightline/protocol';
