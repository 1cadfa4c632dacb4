import { type Label, LabelBody } from '@sightline/protocol';
import { Hono } from 'hono';
import { respond } from '../api/csv.ts';
import { LinePath, parseBody, parseParams, ResultPath } from '../api/params.ts';
import { parseQuery } from '../api/route-doc.ts';
import { whoOf } from '../api/who.ts';
import type { Ledger } from '../ledger/index.ts';
import { DAY_MS } from '../roi/time.ts';
import { AuditQuery, LabelsQuery } from './docs.ts';
import type { LabelService } from './service.ts';

const labelRow = ({ result, ...l }: Label) => ({
  ...l,
  result_ts: result.ts,
  verdict: result.verdict,
  score: result.score,
  threshold: result.threshold,
  mode: result.mode,
  model: `${result.model.id}@${result.model.version}`,
  image: result.image,
});

export function labelRoutes({
  labels,
  ledger,
  now = Date.now,
}: {
  labels: LabelService;
  ledger: Ledger;
  now?: () => number;
}): Hono {
  const app = new Hono();
  app.put('/api/labels/:site/:line/:agent/:seq', async (c) => {
    const key = parseParams(ResultPath, c);
    const body = await parseBody(LabelBody, c);
    const change = {
      kind: body.kind,
      note: body.note ?? null,
      ...(body.ts === undefined ? {} : { ts: body.ts }),
    };
    return c.json(await labels.set(key, change, whoOf(c)));
  });
  app.get('/api/labels/:site/:line/:agent/:seq/history', async (c) =>
    c.json({ changes: await ledger.labels.history(parseParams(ResultPath, c)) }),
  );
  app.get('/api/labels', async (c) => {
    const q = parseQuery(LabelsQuery, c);
    const list = await ledger.labels.list(
      Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as typeof q,
    );
    return respond(c, { labels: list }, list.map(labelRow));
  });
  app.get('/api/lines/:site/:line/audit', async (c) => {
    const q = parseQuery(AuditQuery, c);
    const to = q.to ?? now();
    const sample = await labels.audit(parseParams(LinePath, c), { from: q.from ?? to - 30 * DAY_MS, to });
    return respond(c, sample, sample.labels.map(labelRow));
  });
  return app;
}
