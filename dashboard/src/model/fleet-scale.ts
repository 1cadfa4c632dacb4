import type { LineMetrics } from '../api/types.ts';
import { rateScaleMax } from '../format/format.ts';

/** Below this many inspections an interval is too wide to act on, and does not set the shared axis. */
export const SMALL_SAMPLE = 30;

/**
 * Top of the rate axis every tile shares: the Wilson upper ends of lines with enough parts, the bare rate of
 * lines with a few; a line with none (interval [0, 100 %]) counts not at all, so it cannot stretch the axis.
 */
export function fleetScaleMax(
  lines: ReadonlyArray<Pick<LineMetrics, 'inspected' | 'defect_rate' | 'defect_rate_ci'>>,
): number {
  return rateScaleMax(
    lines
      .filter((l) => l.inspected > 0)
      .map((l) => (l.inspected >= SMALL_SAMPLE ? l.defect_rate_ci[1] : l.defect_rate)),
  );
}
