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
import type { AgentCounts, BucketCounts, LineCounts } from '../metrics/counts.ts';
import type { WriterStatus } from './group-commit.ts';
import type { ResultTime } from './write-ops.ts';

export type { ResultTime, StoreCounters, WriterStatus };

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

export interface AgentSnapshot {
  site: string;
  line: string;
  agent: string;
  birth: Birth | null;
  state: AgentState | null;
  stats: Stats | null;
  model_status: ModelStatus | null;
  /** When the hub last received anything from this agent (ms). */
  last_seen_ts: number;
}

export interface StoredEvent extends AgentEvent {
  site: string;
  line: string;
  agent: string;
  received_ts: number;
}

/** Position after the last result of a page: (ts, agent id, seq) of that result. */
export interface ResultsCursor {
  ts: number;
  agentId: number;
  seq: number;
}

export interface ResultsQuery {
  site?: string;
  line?: string;
  agent?: string;
  verdict?: 'ok' | 'defect' | 'uncertain';
  /** Exactly this part id (traceability): every result of the part, whichever line or agent saw it. */
  part?: string;
  recipe?: string;
  limit: number;
  /** Continue after this result (keyset paging); newest first when absent. */
  after?: ResultsCursor;
}

/** A stored result as the API lists it. */
export interface StoredResult {
  site: string;
  line: string;
  agent: string;
  seq: number;
  /** Capture time used for every figure: the device's, or the hub's receive time when the device clock was off. */
  ts: number;
  /** Capture time as the device sent it. */
  device_ts: number;
  received_ts: number;
  /** `ahead`/`behind`: the device clock was off by more than the skew limit, so `ts` is the receive time. */
  clock: 'ok' | 'ahead' | 'behind';
  frame: string;
  camera: string | null;
  model: { id: string; version: string };
  verdict: 'ok' | 'defect' | 'uncertain';
  score: number;
  threshold: number;
  latency_total: number;
  shadow: boolean;
  replayed: boolean;
  truth: 'ok' | 'defect' | null;
  image: string | null;
  part: string | null;
  recipe: string | null;
}

/** Counts of one line's parts of one recipe over a window. */
export interface RecipeCounts {
  site: string;
  line: string;
  /** "" for results that named no recipe. */
  recipe: string;
  n: number;
  defects: number;
  uncertain: number;
  truth_n: number;
  truth_defects: number;
}

export interface ResultsPage {
  results: StoredResult[];
  /** Pass back as `after` for the next page; null when this page is the last. */
  next: ResultsCursor | null;
}

/** A time range (start, end] in epoch ms. */
export interface TimeRange {
  start: number;
  end: number;
}

export interface SeriesQuery {
  site: string;
  line: string;
  /** Whole minutes: from minute `fromMinute` (inclusive) to `toMinute` (exclusive), epoch minutes. */
  fromMinute: number;
  toMinute: number;
  /** Bucket length in minutes, and the minute offset buckets align to (e.g. a shift start, a time zone). */
  bucketMinutes: number;
  alignMinute: number;
}

/** What a commit changed, for the live stream. */
export interface CommitNotice {
  /** Lines whose results changed (site/line). */
  lines: Array<{ site: string; line: string }>;
  /** Agents whose state (online/offline) or birth changed. */
  agents: Array<{ site: string; line: string; agent: string; column: 'birth' | 'state'; value: unknown }>;
  /** When the commit finished (ms). */
  ts: number;
}

export interface StoreStatus extends WriterStatus {
  /** Seq intervals held in memory over all agents (1 per agent when nothing was lost). */
  seqIntervals: number;
  readers: { busy: number; waiting: number };
  deadLetters: {
    rows: number;
    bytes: number;
    /** Oldest dead letters removed to stay under the caps. */
    evicted: number;
    /** Dead letters per reason (code), then per sender, since the database was created. */
    byReason: Record<string, Record<string, number>>;
  };
}

/** Where the hub keeps what agents send. Every implementation must pass `describeResultStoreContract`. */
export interface ResultStore {
  /**
   * Stores a batch once per (site, line, agent, seq); redelivered results are counted as duplicates. Resolves
   * once committed (a group commit covers every write in flight).
   */
  insertResults(
    ref: AgentRef,
    session: string,
    results: readonly InspectionResult[],
    receivedTs: number,
    times?: readonly ResultTime[],
  ): Promise<InsertOutcome>;
  /** Keeps a rejected message: payload truncated to 4 KiB, original size recorded, capped by rows and bytes. */
  recordDeadLetter(letter: DeadLetterInput): Promise<void>;
  recordBirth(ref: AgentRef, birth: Birth, receivedTs?: number): Promise<void>;
  recordState(ref: AgentRef, state: AgentState, receivedTs?: number): Promise<void>;
  recordStats(ref: AgentRef, stats: Stats, receivedTs?: number): Promise<void>;
  recordModelStatus(ref: AgentRef, status: ModelStatus, receivedTs?: number): Promise<void>;
  recordEvent(ref: AgentRef, event: AgentEvent, receivedTs?: number): Promise<void>;
  counters(): Promise<StoreCounters>;
  /** Per-line counts over (start, end], sorted by site then line; known lines idle in the range included. */
  lineCounts(range: TimeRange): Promise<LineCounts[]>;
  /** Per (line, recipe) counts over (start, end], sorted by site, line, recipe; only pairs with results. */
  recipeCounts(range: TimeRange): Promise<RecipeCounts[]>;
  /** Per-agent counts over whole minutes (coverage, per-agent figures). */
  agentCounts(fromMinute: number, toMinute: number): Promise<AgentCounts[]>;
  /** One line's buckets; empty buckets are left out. Unknown line: []. */
  series(query: SeriesQuery): Promise<BucketCounts[]>;
  /** Latest birth, state, stats and model status per agent, sorted by site, line, agent. */
  agents(): Promise<AgentSnapshot[]>;
  /** Newest first. */
  deadLetters(query: { limit: number }): Promise<DeadLetter[]>;
  /** Newest first. */
  events(query: { limit: number }): Promise<StoredEvent[]>;
  /** A page of results, newest first, filtered by site, line, agent, verdict, part id and recipe. */
  results(query: ResultsQuery): Promise<ResultsPage>;
  /** Deletes raw results and stats captured before `before` (ms); rollups stay. Returns rows removed. */
  prune(before: number): Promise<number>;
  /** Writer and reader figures, at once (no query). */
  status(): StoreStatus;
  /** Called after every commit with what it changed. Returns an unsubscribe function. */
  onCommit(listener: (notice: CommitNotice) => void): () => void;
  /** Finishes pending writes and releases the store; idempotent. */
  close(): Promise<void>;
}
