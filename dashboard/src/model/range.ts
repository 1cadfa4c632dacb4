/**
 * Time ranges of the line view: presets relative to now, the plant's shifts, or a custom range; each picks a
 * bucket so a chart has enough points to show a trend and few enough to read.
 */
export const RANGE_PRESETS = ['1h', '8h', '24h', '7d', 'shift', 'prev-shift', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const RANGE_LABELS: Record<RangePreset, string> = {
  '1h': 'Last hour',
  '8h': 'Last 8 h',
  '24h': 'Last 24 h',
  '7d': 'Last 7 days',
  shift: 'This shift',
  'prev-shift': 'Last shift',
  custom: 'Custom',
};

/** How the hub lines days and shifts up with the plant's local time. */
export interface ShiftClock {
  utcOffsetMinutes: number;
  shiftStartMinute: number;
  shiftMinutes: number;
}

export interface TimeRange {
  from: number;
  to: number;
  bucket: string;
  bucketMinutes: number;
}

const MIN = 60_000;
/** Bucket choices, shortest first; the first giving at most MAX_POINTS buckets wins. */
const BUCKETS: ReadonlyArray<[string, number]> = [
  ['minute', 1],
  ['5m', 5],
  ['15m', 15],
  ['hour', 60],
  ['4h', 240],
  ['day', 1440],
];
const MAX_POINTS = 200;

export function bucketFor(spanMs: number): { bucket: string; bucketMinutes: number } {
  const minutes = spanMs / MIN;
  const found = BUCKETS.find(([, m]) => minutes / m <= MAX_POINTS) ?? BUCKETS[BUCKETS.length - 1];
  const [bucket, bucketMinutes] = found ?? ['day', 1440];
  return { bucket, bucketMinutes };
}

/** Start (ms) of the shift holding `at`. */
export function shiftStart(at: number, clock: ShiftClock): number {
  const align = (clock.shiftStartMinute - clock.utcOffsetMinutes) * MIN;
  const len = clock.shiftMinutes * MIN;
  return Math.floor((at - align) / len) * len + align;
}

export function resolveRange(
  preset: RangePreset,
  now: number,
  clock: ShiftClock,
  custom?: { from: number; to: number },
): TimeRange {
  const last = (ms: number) => ({ from: now - ms, to: now });
  const span = (() => {
    switch (preset) {
      case '1h':
        return last(60 * MIN);
      case '8h':
        return last(480 * MIN);
      case '24h':
        return last(1440 * MIN);
      case '7d':
        return last(7 * 1440 * MIN);
      case 'shift':
        return { from: shiftStart(now, clock), to: now };
      case 'prev-shift': {
        const start = shiftStart(now, clock);
        return { from: start - clock.shiftMinutes * MIN, to: start };
      }
      case 'custom':
        return custom && custom.to > custom.from ? custom : last(480 * MIN);
    }
  })();
  const from = Math.floor(span.from / MIN) * MIN;
  const to = Math.max(from + MIN, Math.ceil(span.to / MIN) * MIN);
  return { from, to, ...bucketFor(to - from) };
}
