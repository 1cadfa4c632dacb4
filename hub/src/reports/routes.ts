import { Hono } from 'hono';
import { parseQuery } from '../api/route-doc.ts';
import { QueryError } from '../errors.ts';
import type { Ledger } from '../ledger/index.ts';
import { pBarOf, seriesPoints } from '../metrics/index.ts';
import type { RoiService } from '../roi/service.ts';
import { DAY_MS } from '../roi/time.ts';
import type { ResultStore } from '../store/index.ts';
import { ReportQuery } from './docs.ts';
import { type LineSection, reportHtml } from './html.ts';

/** Bucket length for a period's p-chart: hours up to 3 days, 8 h up to 3 weeks, else days (≤ ~120 points). */
const bucketMinutes = (spanMs: number) => (spanMs <= 3 * DAY_MS ? 60 : spanMs <= 21 * DAY_MS ? 480 : 1440);

export function reportRoutes(deps: {
  store: ResultStore;
  ledger: Ledger;
  roi: RoiService;
  now?: () => number;
}): Hono {
  const { store, ledger, roi, now = Date.now } = deps;
  const app = new Hono();
  app.get('/api/report', async (c) => {
    const q = parseQuery(ReportQuery, c);
    const to = q.to ?? now();
    const from = q.from ?? to - 7 * DAY_MS;
    if (!(from < to)) throw new QueryError('from must be before to');
    if (to - from > 400 * DAY_MS)
      throw new QueryError('a report covers at most 400 days; choose a shorter period');
    const known = await store.lineCounts({ start: from - 1, end: to - 1 });
    const lines = known.filter(
      (l) => (q.site === undefined || l.site === q.site) && (q.line === undefined || l.line === q.line),
    );
    const minutes = bucketMinutes(to - from);
    const sections: LineSection[] = [];
    for (const l of lines) {
      const line = { site: l.site, line: l.line };
      const report = await roi.report(line, { from, to });
      const buckets = await store.series({
        ...line,
        fromMinute: Math.floor(from / 60_000),
        toMinute: Math.ceil(to / 60_000),
        bucketMinutes: minutes,
        alignMinute: 0,
      });
      const pBar = report.baseline?.p_bar ?? pBarOf(buckets).p_bar;
      const alarms = (await ledger.alarms.list({ state: 'all', ...line, limit: 500 }))
        .filter((a) => a.since < to && (a.cleared_ts === null || a.cleared_ts >= from))
        .map(({ key: _key, ...a }) => a);
      sections.push({ roi: report, points: seriesPoints(buckets, pBar), alarms });
    }
    const opportunity = q.line === undefined ? await roi.opportunity(Math.min(to - from, 31 * DAY_MS)) : null;
    return c.html(reportHtml({ from, to, generated: now(), lines: sections, opportunity }));
  });
  return app;
}
