import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alarm, WebhookPayload } from '@sightline/protocol';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Ledger, openLedger } from '../ledger/index.ts';
import { makeBirth, makeResult } from '../store/fixtures.ts';
import { createDuckDbStore, type DuckDbStore } from '../store/index.ts';
import { waitFor } from '../testing/wait-for.ts';
import { type AlarmBook, openAlarmBook } from './engine.ts';
import { type AlarmEvaluator, createAlarmEvaluator } from './evaluator.ts';
import { createWebhooks, type Webhooks } from './webhooks.ts';

const T0 = 1_700_002_800_000; // an hour boundary
const ref = { site: 's1', line: 'l1', agent: 'a1' };
const log = pino({ level: process.env.SL_TEST_LOG ?? 'silent' });

interface Rig {
  store: DuckDbStore;
  ledger: Ledger;
  book: AlarmBook;
  evaluator: AlarmEvaluator;
  webhooks: Webhooks;
  changes: Alarm[];
  clock: { now: number };
}
let rig: Rig | undefined;
let server: Server | undefined;
afterEach(async () => {
  rig?.evaluator.close();
  rig?.webhooks.close();
  rig?.ledger.close();
  await rig?.store.close();
  server?.close();
  server?.closeAllConnections();
  rig = undefined;
  server = undefined;
});

async function start(): Promise<Rig> {
  const store = await createDuckDbStore({ path: ':memory:' });
  const ledger = await openLedger(() => store.connect());
  const clock = { now: T0 };
  const now = () => clock.now;
  const webhooks = createWebhooks({ log, hub: () => 'http://hub', now, backoffMs: () => 0, maxAttempts: 4 });
  const changes: Alarm[] = [];
  const book = await openAlarmBook({ ledger, webhooks, onChange: (a) => changes.push(a), log });
  const evaluator = createAlarmEvaluator({ store, ledger, book, log, now, everyMs: 0, coverageEveryMs: 0 });
  rig = { store, ledger, book, evaluator, webhooks, changes, clock };
  return rig;
}

/** A webhook receiver answering each POST with the next status of `statuses` (then 200). */
async function receiver(statuses: number[] = []): Promise<{ url: string; got: WebhookPayload[] }> {
  const got: WebhookPayload[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      if (status === 200) got.push(JSON.parse(body) as WebhookPayload);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/andon`, got };
}

describe('alarms', () => {
  it('starts with the default fleet rules', async () => {
    const { book } = await start();
    expect(
      book
        .rules()
        .map((r) => r.kind)
        .sort(),
    ).toEqual([
      'agent_offline',
      'camera_lost',
      'control_chart',
      'coverage_low',
      'model_change',
      'outbox_overflow',
    ]);
  });

  it('raises offline from the will at once, posts the webhook (retrying failures), takes an ack, clears when back', async () => {
    const r = await start();
    const hook = await receiver([500, 503]);
    const rule = r.book.rules().find((x) => x.id === 'agent-offline');
    await r.book.putRule({
      ...(rule as NonNullable<typeof rule>),
      webhook: { url: hook.url, cooldown_s: 0 },
    });
    await r.store.recordBirth(ref, makeBirth('b1', T0), T0);
    await r.store.recordState(ref, { online: true, session: 'b1', ts: T0 }, T0);
    await r.evaluator.tick();
    expect(r.changes).toEqual([]);

    await r.store.recordState(ref, { online: false, session: 'b1', ts: T0 + 1000 }, T0 + 1000);
    const raised = await waitFor('offline alarm', () => r.changes.find((a) => a.kind === 'agent_offline'));
    expect(raised).toMatchObject({ state: 'active', severity: 'critical', agent: 'a1', since: T0 + 1000 });
    await waitFor('webhook delivered', () => r.webhooks.delivery('agent-offline').sent === 1);
    const posted = hook.got[0];
    expect(posted).toMatchObject({
      hub: 'http://hub',
      rule: 'agent-offline',
      alarms: [{ id: raised.id, state: 'active' }],
    });
    expect(r.webhooks.delivery('agent-offline')).toMatchObject({
      sent: 1,
      retried: 2,
      failed: 0,
      last_status: 200,
    });

    const acked = await r.book.ack(raised.id, { who: 'ann', note: 'power cut on line 1', ts: T0 + 2000 });
    expect(acked).toMatchObject({ state: 'acknowledged', ack: { who: 'ann', note: 'power cut on line 1' } });
    await expect(r.book.ack(raised.id, { who: 'bob', note: 'me too', ts: T0 + 3000 })).rejects.toThrow(
      /acknowledged by ann/,
    );

    await r.store.recordState(ref, { online: true, session: 'b2', ts: T0 + 4000 }, T0 + 4000);
    const cleared = await waitFor('cleared', () =>
      r.changes.find((a) => a.id === raised.id && a.state === 'cleared'),
    );
    expect(cleared.ack?.who).toBe('ann');
    expect((await r.ledger.alarms.list({ state: 'all', limit: 10 }))[0]).toMatchObject({
      id: raised.id,
      state: 'cleared',
    });
  });

  it('raises silence past the limit on the timer', async () => {
    const r = await start();
    await r.store.recordState(ref, { online: true, session: 'b1', ts: T0 }, T0);
    r.clock.now = T0 + 31_000;
    await r.evaluator.tick();
    expect(r.changes[0]).toMatchObject({
      kind: 'agent_offline',
      message: expect.stringContaining('sent nothing for 31 s'),
    });
  });

  it('follows camera lost and restored per camera, and a model change', async () => {
    const r = await start();
    await r.store.recordBirth(ref, makeBirth('b1', T0), T0);
    await r.evaluator.tick();
    await r.store.recordEvent(
      ref,
      {
        ts: T0,
        kind: 'camera_lost',
        severity: 'warning',
        message: 'camera cam2: no frames; reconnecting',
        detail: { camera: 'cam2' },
      },
      T0,
    );
    const lost = await waitFor('camera alarm', () => r.changes.find((a) => a.kind === 'camera_lost'));
    expect(lost).toMatchObject({ subject: 'cam2', state: 'active' });
    await r.store.recordEvent(
      ref,
      {
        ts: T0 + 5000,
        kind: 'camera_restored',
        severity: 'info',
        message: 'camera cam2 is delivering frames again',
      },
      T0,
    );
    await waitFor('camera cleared', () => r.changes.find((a) => a.id === lost.id && a.state === 'cleared'));

    const birth = makeBirth('b2', T0 + 6000);
    await r.store.recordBirth(ref, { ...birth, model: { ...birth.model, version: '2.0.0' } }, T0 + 6000);
    const changed = await waitFor('model change', () => r.changes.find((a) => a.kind === 'model_change'));
    expect(changed.detail).toEqual({ from: 'default@1.0.0', to: 'default@2.0.0' });
  });

  it('flags a bucket beyond the frozen p-chart limits and clears when the next is in control', async () => {
    const r = await start();
    const baseline = {
      site: 's1',
      line: 'l1',
      from: T0 - 7_200_000,
      to: T0 - 3_600_000,
      frozen_ts: T0,
      p_bar: 0.01,
      n: 1000,
      x: 10,
    };
    await r.ledger.baselines.freeze(baseline as never);
    // The hour [T0, T0+1h): 100 parts, 10 rejects: UCL = 0.01 + 3·√(0.01·0.99/100) = 0.0398 → above.
    const hour = (seq: number, start: number, defects: number) =>
      Array.from({ length: 100 }, (_, i) =>
        makeResult(seq + i, { ts: start + i * 1000, verdict: i < defects ? 'defect' : 'ok' }),
      );
    await r.store.insertResults(ref, 'b1', hour(0, T0, 10), T0);
    r.clock.now = T0 + 3_600_000 + 1000;
    await r.evaluator.tick();
    const flagged = r.changes.find((a) => a.kind === 'control_chart');
    expect(flagged).toMatchObject({
      line: 'l1',
      state: 'active',
      detail: { n: 100, x: 10, signal: 'above' },
    });
    await r.store.insertResults(ref, 'b1', hour(100, T0 + 3_600_000, 1), T0);
    r.clock.now = T0 + 7_200_000 + 1000;
    await r.evaluator.tick();
    expect(r.changes.at(-1)).toMatchObject({ id: flagged?.id, state: 'cleared' });
  });
});

describe('webhooks', () => {
  it('sends at most one POST per cooldown; changes meanwhile wait, the latest state of each alarm', async () => {
    const hook = await receiver();
    const webhooks = createWebhooks({ log, hub: () => 'h', backoffMs: () => 0 });
    const rule = {
      id: 'r',
      kind: 'camera_lost' as const,
      site: null,
      line: null,
      severity: 'warning' as const,
      enabled: true,
      params: {},
      webhook: { url: hook.url, cooldown_s: 3600 },
      updated_ts: 0,
      updated_by: 'x',
    };
    const alarm = (id: number, state: Alarm['state']) => ({ id, state }) as Alarm;
    webhooks.notify(rule, alarm(1, 'active'));
    await waitFor('first POST', () => webhooks.delivery('r').sent === 1);
    webhooks.notify(rule, alarm(2, 'active'));
    webhooks.notify(rule, alarm(2, 'cleared'));
    expect(webhooks.delivery('r')).toMatchObject({ sent: 1, queued: 1, merged: 1 });
    expect(hook.got.map((p) => p.alarms.map((a) => a.id))).toEqual([[1]]);
    webhooks.close();
  });
});
