import { FreezeBaselineBody, RoiInputsPatch } from '@sightline/protocol';
import { Hono } from 'hono';
import { respond } from '../api/csv.ts';
import { LinePath, parseBody, parseParams } from '../api/params.ts';
import { parseQuery } from '../api/route-doc.ts';
import { whoOf } from '../api/who.ts';
import { FleetRoiQuery, OpportunityQuery, RoiQuery } from './docs.ts';
import { figureRows } from './figure-rows.ts';
import type { RoiService } from './service.ts';
import { timeOf } from './time.ts';

export function roiRoutes({ roi }: { roi: RoiService }): Hono {
  const app = new Hono();
  app.get('/api/lines/:site/:line/roi/inputs', async (c) => {
    const body = await roi.inputs(parseParams(LinePath, c));
    return respond(
      c,
      body,
      body.history.map((h) => ({ site: body.site, line: body.line, ...h })),
    );
  });
  app.put('/api/lines/:site/:line/roi/inputs', async (c) => {
    const line = parseParams(LinePath, c);
    const { note, ...patch } = await parseBody(RoiInputsPatch, c);
    return c.json(await roi.patchInputs(line, patch, { who: whoOf(c), note: note ?? null }));
  });
  app.get('/api/lines/:site/:line/baseline', async (c) =>
    c.json({ baseline: await roi.baseline(parseParams(LinePath, c)) }),
  );
  app.post('/api/lines/:site/:line/baseline', async (c) => {
    const line = parseParams(LinePath, c);
    const body = await parseBody(FreezeBaselineBody, c);
    const window = { from: timeOf(body.from, 'body.from'), to: timeOf(body.to, 'body.to') };
    return c.json({ baseline: await roi.freeze(line, window, { who: whoOf(c), note: body.note ?? null }) });
  });
  app.get('/api/lines/:site/:line/roi', async (c) => {
    const q = parseQuery(RoiQuery, c);
    const report = await roi.report(parseParams(LinePath, c), {
      ...(q.from === undefined ? {} : { from: q.from }),
      ...(q.to === undefined ? {} : { to: q.to }),
    });
    const key = { site: report.site, line: report.line, from: report.from, to: report.to };
    const { from: _f, to: _t, ...cumulative } = report.cumulative;
    return respond(c, report, [
      ...figureRows({ pi: report.pi, rho: report.rho, ...report.figures }, { ...key, scope: 'window' }),
      ...figureRows(cumulative, { ...key, from: report.cumulative.from, scope: 'cumulative' }),
    ]);
  });
  app.get('/api/roi', async (c) => {
    const { window } = parseQuery(FleetRoiQuery, c);
    const body = await roi.fleet(window * 1000);
    return respond(
      c,
      body,
      body.lines.map((l) => ({
        site: l.site,
        line: l.line,
        mode: l.mode,
        go_live_ts: l.go_live_ts,
        baseline_frozen: l.baseline_frozen,
        n: l.n,
        savings: l.savings.value,
        cost: l.cost.value,
        net: l.net.value,
        roi_pct: l.roi_pct.value,
        escapes_prevented: l.escapes_prevented.value,
        missing: [...new Set([...l.savings.missing, ...l.cost.missing])].join(' '),
      })),
    );
  });
  app.get('/api/roi/opportunity', async (c) => {
    const { window } = parseQuery(OpportunityQuery, c);
    const body = await roi.opportunity(window * 1000);
    return respond(
      c,
      body,
      body.lines.map((l) => ({
        rank: l.rank,
        site: l.site,
        line: l.line,
        annual_volume: l.annual_volume.value,
        copq: l.copq.value,
        ...l.copq.inputs,
        labels: l.labels,
        samples: l.samples,
        missing: l.copq.missing.join(' '),
      })),
    );
  });
  return app;
}
