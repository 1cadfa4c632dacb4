import type {
  AgentEvent,
  AgentRef,
  AgentState,
  Birth,
  InspectionResult,
  ModelStatus,
  Stats,
  StoreCounters,
} from '@sightline/protocol';
import type { LineMetrics } from '../metrics/index.ts';

export interface InsertOutcome {
  /** Results stored for the first time. */
  inserted: number;
  /** Results already stored under the same (site, line, agent, seq), including repeats inside the batch. */
  duplicates: number;
}

export interface DeadLetterInput {
  /** When the hub received the message (ms). */
  ts: number;
  topic: string;
  /** Agent key `site/line/agent` named by the topic, or null when the topic names none. */
  sender: string | null;
  /** Stable error code, e.g. SL_PAYLOAD_INVALID. */
  code: string;
  /** What was wrong, naming the field: `results[0].score: expected number, received string`. */
  error: string;
  payload: Uint8Array | string;
}

export interface DeadLetter {
  id: number;
  ts: number;
  topic: string;
  sender: string | null;
  code: string;
  error: string;
  /** The first 4 KiB of the payload: UTF-8 text, or base64 when the bytes are not UTF-8. */
  payload: string;
  payload_encoding: 'utf8' | 'base64';
  /** Size of the original payload in bytes. */
  payload_size: number;
  truncated: boolean;
}

export type { StoreCounters };

export interface AgentSnapshot {
  site: string;
  line: string;
  agent: string;
  birth: Birth | null;
  state: AgentState | null;
  stats: Stats | null;
  model_status: ModelStatus | null;
  /** When the hub last received birth, state, stats or model status from this agent (ms). */
  last_seen_ts: number;
}

export interface StoredEvent extends AgentEvent {
  site: string;
  line: string;
  agent: string;
  received_ts: number;
}

export interface ResultsQuery {
  site?: string;
  line?: string;
  agent?: string;
  verdict?: 'ok' | 'defect' | 'uncertain';
  limit: number;
}

/** A stored result as the API lists it. */
export interface StoredResult {
  site: string;
  line: string;
  agent: string;
  seq: number;
  ts: number;
  received_ts: number;
  frame: string;
  camera: string | null;
  model: { id: string; version: string };
  verdict: string;
  score: number;
  threshold: number;
  latency_total: number;
  shadow: boolean;
  replayed: boolean;
  truth: string | null;
  image: string | null;
}

export interface LineMetricsQuery {
  /** Window length in ms; results with now − windowMs < ts ≤ now count. */
  windowMs: number;
  now: number;
}

/** Where the hub keeps what agents send. Every implementation must pass `describeResultStoreContract`. */
export interface ResultStore {
  /** Stores a batch once per (site, line, agent, seq); redelivered results are counted as duplicates. */
  insertResults(
    ref: AgentRef,
    session: string,
    results: readonly InspectionResult[],
    receivedTs: number,
  ): Promise<InsertOutcome>;
  /** Keeps a rejected message: payload truncated to 4 KiB, original size recorded. */
  recordDeadLetter(letter: DeadLetterInput): Promise<void>;
  recordBirth(ref: AgentRef, birth: Birth, receivedTs?: number): Promise<void>;
  recordState(ref: AgentRef, state: AgentState, receivedTs?: number): Promise<void>;
  recordStats(ref: AgentRef, stats: Stats, receivedTs?: number): Promise<void>;
  recordModelStatus(ref: AgentRef, status: ModelStatus, receivedTs?: number): Promise<void>;
  recordEvent(ref: AgentRef, event: AgentEvent, receivedTs?: number): Promise<void>;
  counters(): Promise<StoreCounters>;
  /** Per-line metrics over a window (shadow results excluded), sorted by site then line. */
  lineMetrics(query: LineMetricsQuery): Promise<LineMetrics[]>;
  /** Latest birth, state, stats and model status per agent, sorted by site, line, agent. */
  agents(): Promise<AgentSnapshot[]>;
  /** Newest first. */
  deadLetters(query: { limit: number }): Promise<DeadLetter[]>;
  /** Newest first. */
  events(query: { limit: number }): Promise<StoredEvent[]>;
  /** Newest results first, filtered by site, line, agent and verdict. */
  results(query: ResultsQuery): Promise<StoredResult[]>;
  /** Finishes pending writes and releases the store; idempotent. */
  close(): Promise<void>;
}
