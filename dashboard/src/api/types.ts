/** The hub's API shapes live in @sightline/protocol; the dashboard's own view choices live here. */

/** Time windows the dashboard offers; the hub parses them as durations. */
export const WINDOWS = ['1m', '5m', '1h', '8h'] as const;
export type TimeWindow = (typeof WINDOWS)[number];
/** Length of each window, to tell whether an answer is for the window now selected. */
export const WINDOW_SECONDS: Record<TimeWindow, number> = { '1m': 60, '5m': 300, '1h': 3600, '8h': 28_800 };

export type { ApiErrorBody, HealthResponse, LineMetrics, LinesResponse } from '@sightline/protocol';
