/**
 * Response shapes of the hub's HTTP API, shared by the hub (which produces them) and the dashboard
 * (which reads them). Types only: the hub builds these values itself, nothing parses them at a boundary.
 */

/** Metrics of one production line over a window (DESIGN.md "Metrics"). */
export interface LineMetrics {
  site: string;
  line: string;
  /** Distinct agents with a result in the window. */
  agents: number;
  /** Results in the window (every verdict). */
  inspected: number;
  /** Results whose verdict is `defect`. */
  defects: number;
  /** defects / inspected; 0 when nothing was inspected. */
  defect_rate: number;
  /** Wilson 95 % interval of defect_rate; [0, 1] when nothing was inspected. */
  defect_rate_ci: [number, number];
  /** Parts per minute while the line was seen running. */
  parts_per_min: number;
  /** Results that carried a ground-truth label. */
  truth_n: number;
  /** Share of labelled results that are truly defective; null when none carries a label. */
  true_defect_rate: number | null;
  /** Capture time of the first and last result in the window; null when there is none. */
  first_ts: number | null;
  last_ts: number | null;
}

export interface LinesResponse {
  window_s: number;
  /** Hub clock, epoch ms; "last seen" is measured against it, not the browser's clock. */
  now: number;
  lines: LineMetrics[];
}

export interface StoreCounters {
  /** Results stored. */
  results: number;
  /** Redelivered results ignored. */
  duplicates: number;
  /** Rejected messages kept for inspection. */
  deadLetters: number;
}

export interface HealthResponse {
  status: 'ok' | 'degraded';
  broker: { connected: boolean };
  /** The store's counters, or why they could not be read. */
  store: StoreCounters | { error: string };
  uptime_s: number;
}

/** The hub's error body. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}
