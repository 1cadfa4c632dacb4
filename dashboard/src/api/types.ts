/** Response shapes of the hub's HTTP API (hub/src/api). Kept loose where the hub may grow fields. */

/** Time windows the dashboard offers; the hub parses them as durations. */
export const WINDOWS = ['1m', '5m', '1h', '8h'] as const;
export type TimeWindow = (typeof WINDOWS)[number];
/** Length of each window, to tell whether an answer is for the window now selected. */
export const WINDOW_SECONDS: Record<TimeWindow, number> = { '1m': 60, '5m': 300, '1h': 3600, '8h': 28_800 };

/** Metrics of one production line over a window (DESIGN.md "Metrics"). */
export interface LineMetrics {
  site: string;
  line: string;
  agents: number;
  inspected: number;
  defects: number;
  /** d / n, a fraction in [0, 1]. */
  defect_rate: number;
  /** Wilson 95 % interval of the defect rate, fractions. */
  defect_rate_ci: [number, number];
  parts_per_min: number;
  /** Results that carried a ground-truth label. */
  truth_n: number;
  /** Defect rate by ground truth; null when no result carried a label. */
  true_defect_rate: number | null;
  /** Epoch ms of the first and last result in the window; null when there is none. */
  first_ts: number | null;
  last_ts: number | null;
}

export interface LinesResponse {
  window_s: number;
  /** Hub clock, epoch ms; "last seen" is measured against it, not the browser's clock. */
  now: number;
  lines: LineMetrics[];
}

export interface HealthResponse {
  status: 'ok' | 'degraded';
  broker: { connected: boolean };
  /** The store's counters, or why they could not be read. */
  store: { results: number; duplicates: number; deadLetters: number } | { error: string };
  uptime_s: number;
}

/** The hub's error body: `{ error: { code, message } }`. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}
