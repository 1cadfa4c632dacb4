import { SeriesResponse } from '@sightline/protocol';
import { Hono } from 'hono';
import { z } from 'zod';
import { QueryError } from '../errors.ts';
import { pBarOf, seriesPoints } from '../metrics/index.ts';
import type { ResultStore } from '../store/index.ts';
import { respond } from './csv.ts';
import { parseQuery, type RouteDoc, timeParam } from './route-doc.ts';
import { parseDuration } from './window.ts';

/** How buckets line up with the plant's clock. */
export interface BucketClock {
  /** Minutes east of UTC of the plant's local time (days and shifts start at local midnight / shift start). */
  utcOffsetMinutes: number;
  /** Length of a shift and the local time the first shift of a day starts, in minutes after midnight. */
  shiftMinutes: number;
  shiftStartMinute: number;
}

/** Most buckets one series may have. */
export const MAX_POINTS = 2000;
const DEFAULT_SPAN_MIN = { minute: 60, hour: 1440, shift: 7 * 1440, day: 30 * 1440 } as const;

const SeriesQuery = z.object({
  site: z.string().min(1).describe('site id'),
  line: z.string().min(1).describe('line id'),
  bucket: z
    .string()
    .default('hour')
    .describe('minute, hour, shift, day, or a custom length like 15m, 2h, 1d'),
  from: timeParam(
    'start (epoch ms or ISO 8601), rounded down to a minute; default: a span that suits the bucket',
  ),
  to: timeParam('end (exclusive; epoch ms or ISO 8601), rounded up to a minute; default: now'),
  ref_from: timeParam('start of the frozen in-control reference period for p̄; default: the series range'),
  ref_to: timeParam('end of the reference period'),
});

export const seriesDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/series',
    summary:
      "One line's figures per bucket: n, x, rate with Wilson interval, p-chart limits, throughput, coverage",
    description:
      "Buckets read the per-minute line rollups. p-chart limits use p̄ = Σx/Σn over the reference period (default: the line's frozen baseline, else the range itself) and each point's own n; `signal` flags a point beyond 3σ. Days and shifts start at local time (hub config metrics.utcOffsetMinutes, metrics.shiftStart). Empty buckets are left out.",
    query: SeriesQuery,
    response: SeriesResponse,
    csv: true,
  },
];

function bucketOf(bucket: string, clock: BucketClock): { minutes: number; alignMinute: number } {
  const local = -clock.utcOffsetMinutes;
  if (bucket === 'minute') return { minutes: 1, alignMinute: 0 };
  if (bucket === 'hour') return { minutes: 60, alignMinute: 0 };
  if (bucket === 'day') return { minutes: 1440, alignMinute: local };
  if (bucket === 'shift') return { minutes: clock.shiftMinutes, alignMinute: local + clock.shiftStartMinute };
  const minutes = parseDuration(bucket, 'bucket') / 60;
  if (!Number.isInteger(minutes)) throw new QueryError(`bucket "${bucket}" must be whole minutes, e.g. 15m`);
  return { minutes, alignMinute: local };
}

/** A line's frozen p-chart reference (its baseline), the default reference of its series. */
export type FrozenReference = (line: {
  site: string;
  line: string;
}) => Promise<{ from: number; to: number; n: number; x: number; p_bar: number | null } | null>;

export function seriesRoutes({
  store,
  now,
  clock,
  frozenReference = async () => null,
}: {
  store: ResultStore;
  now: () => number;
  clock: BucketClock;
  frozenReference?: FrozenReference;
}): Hono {
  const app = new Hono();
  app.get('/api/series', async (c) => {
    const q = parseQuery(SeriesQuery, c);
    const { minutes, alignMinute } = bucketOf(q.bucket, clock);
    const toMinute = Math.ceil((q.to ?? now()) / 60_000);
    const span = DEFAULT_SPAN_MIN[q.bucket as keyof typeof DEFAULT_SPAN_MIN] ?? minutes * 48;
    const fromMinute = q.from === undefined ? toMinute - span : Math.floor(q.from / 60_000);
    if (fromMinute >= toMinute) throw new QueryError('from must be before to');
    if ((toMinute - fromMinute) / minutes > MAX_POINTS) {
      throw new QueryError(
        `that is more than ${MAX_POINTS} buckets; use a coarser bucket or a shorter range`,
      );
    }
    const query = { site: q.site, line: q.line, bucketMinutes: minutes, alignMinute };
    const buckets = await store.series({ ...query, fromMinute, toMinute });
    const refFrom = q.ref_from === undefined ? fromMinute : Math.floor(q.ref_from / 60_000);
    const refTo = q.ref_to === undefined ? toMinute : Math.ceil(q.ref_to / 60_000);
    const sameRange = refFrom === fromMinute && refTo === toMinute;
    const frozen = q.ref_from === undefined && q.ref_to === undefined ? await frozenReference(q) : null;
    const reference = frozen
      ? { n: frozen.n, x: frozen.x, p_bar: frozen.p_bar }
      : pBarOf(
          sameRange
            ? buckets
            : await store.series({
                ...query,
                bucketMinutes: refTo - refFrom,
                alignMinute: refFrom,
                fromMinute: refFrom,
                toMinute: refTo,
              }),
        );
    const body: SeriesResponse = {
      site: q.site,
      line: q.line,
      bucket: q.bucket,
      bucket_minutes: minutes,
      from: fromMinute * 60_000,
      to: toMinute * 60_000,
      reference: frozen
        ? { from: frozen.from, to: frozen.to, ...reference, source: 'baseline' }
        : {
            from: refFrom * 60_000,
            to: refTo * 60_000,
            ...reference,
            source: sameRange ? 'range' : 'custom',
          },
      points: seriesPoints(buckets, reference.p_bar),
    };
    return respond(
      c,
      body,
      body.points.map((p) => ({ site: body.site, line: body.line, p_bar: body.reference.p_bar, ...p })),
    );
  });
  return app;
}
