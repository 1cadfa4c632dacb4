import { AckBody, AlarmRuleBody, type AlarmsResponse } from '@sightline/protocol';
import { Hono } from 'hono';
import { respond } from '../api/csv.ts';
import { parseBody, parseParams } from '../api/params.ts';
import { parseQuery } from '../api/route-doc.ts';
import { whoOf } from '../api/who.ts';
import type { Ledger } from '../ledger/index.ts';
import { AlarmPath, AlarmsQuery, RulePath } from './docs.ts';
import type { AlarmBook } from './engine.ts';

export function alarmRoutes({
  book,
  ledger,
  now = Date.now,
}: {
  book: AlarmBook;
  ledger: Ledger;
  now?: () => number;
}): Hono {
  const app = new Hono();
  app.get('/api/alarms', async (c) => {
    const q = parseQuery(AlarmsQuery, c);
    const list = (await ledger.alarms.list(q)).map(({ key: _key, ...a }) => a);
    const body: AlarmsResponse = { now: now(), alarms: list };
    return respond(c, body, list);
  });
  app.post('/api/alarms/:id/ack', async (c) => {
    const { id } = parseParams(AlarmPath, c);
    const { note } = await parseBody(AckBody, c);
    return c.json(await book.ack(id, { who: whoOf(c), note, ts: now() }));
  });
  app.get('/api/alarms/rules', (c) => {
    const rules = book.rulesWithDelivery();
    return respond(c, { rules }, rules);
  });
  app.put('/api/alarms/rules/:id', async (c) => {
    const { id } = parseParams(RulePath, c);
    const body = await parseBody(AlarmRuleBody, c);
    const before = book.rules().find((r) => r.id === id);
    const rule = {
      id,
      kind: body.kind,
      site: body.site ?? null,
      line: body.line ?? null,
      severity: body.severity ?? before?.severity ?? 'warning',
      enabled: body.enabled ?? true,
      params: body.params ?? {},
      webhook: body.webhook ?? null,
      updated_ts: now(),
      updated_by: whoOf(c),
    };
    await book.putRule(rule);
    return c.json(book.rulesWithDelivery().find((r) => r.id === id));
  });
  app.delete('/api/alarms/rules/:id', async (c) => {
    const { id } = parseParams(RulePath, c);
    await book.deleteRule(id);
    return c.json({ deleted: id });
  });
  return app;
}
