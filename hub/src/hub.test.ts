import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decode,
  HubState,
  type ResultsAck,
  ResultsAck as ResultsAckSchema,
  topics,
} from '@sightline/protocol';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbeddedBroker } from './broker/index.ts';
import { type Hub, startHub } from './hub.ts';
import { makeResult } from './store/fixtures.ts';
import { createDuckDbStore } from './store/index.ts';
import { waitFor } from './testing/wait-for.ts';

const log = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'sl-hub-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ref = { site: 'plant-a', line: 'line-2', agent: 'cam-9' };

describe('startHub', () => {
  it('wires broker, ingest, store and HTTP on ephemeral ports, and shuts down in order', async () => {
    const path = join(dir, 'a', 'hub.duckdb');
    const hub = await startHub(
      {
        http: { port: 0 },
        broker: { port: 0 },
        store: { path },
        dashboard: { dir: join(dir, 'no-dashboard') },
      },
      { log },
    );
    expect(hub.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(hub.mqttUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);

    const health = await (await fetch(`${hub.httpUrl}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', broker: { connected: true }, store: { results: 0 } });
    expect(await (await fetch(`${hub.httpUrl}/`)).text()).toContain('pnpm build');
    const api = (await (await fetch(`${hub.httpUrl}/api/openapi.json`)).json()) as { paths: object };
    expect(Object.keys(api.paths)).toEqual(
      expect.arrayContaining(['/api/samples', '/api/samples/{sha256}/label', '/api/export', '/metrics']),
    );

    // Nobody gets in without credentials: agents from `agents add`, people with tokens.
    await expect(mqtt.connectAsync(hub.mqttUrl, { protocolVersion: 4, reconnectPeriod: 0 })).rejects.toThrow(
      /Not authorized/,
    );
    expect((await fetch(`${hub.httpUrl}/api/lines`)).status).toBe(401);
    const creds = await hub.credentials.addAgent(ref);
    const { secret } = await hub.credentials.addToken({ role: 'viewer', name: 'test' });
    const headers = { authorization: `Bearer ${secret}` };
    expect(existsSync(join(dir, 'a', 'auth.json'))).toBe(true);

    const agent = await mqtt.connectAsync(hub.mqttUrl, {
      protocolVersion: 4,
      reconnectPeriod: 0,
      username: creds.username,
      password: creds.password,
      clientId: creds.clientId,
    });
    const batch = [1, 2, 3, 4].map((seq) =>
      makeResult(seq, { ts: Date.now() - 10_000 + seq * 1000, verdict: seq === 4 ? 'defect' : 'ok' }),
    );
    await agent.publishAsync(topics.results(ref), JSON.stringify({ session: 's', results: batch }), {
      qos: 1,
    });
    await agent.endAsync();
    const lines = await waitFor('the batch in /api/lines', async () => {
      const body = (await (await fetch(`${hub.httpUrl}/api/lines?window=1m`, { headers })).json()) as {
        lines: Array<{ inspected: number }>;
      };
      return body.lines[0]?.inspected === 4 ? body.lines : undefined;
    });
    expect(lines[0]).toMatchObject({ site: 'plant-a', line: 'line-2', defects: 1, defect_rate: 0.25 });

    await Promise.all([hub.close(), hub.close()]);
    await expect(fetch(`${hub.httpUrl}/api/health`)).rejects.toThrow();
    const reopened = await createDuckDbStore({ path });
    expect((await reopened.counters()).results).toBe(4);
    await reopened.close();
  });

  it('uses an external broker by URL and reports degraded health while it is unreachable', async () => {
    const external = await createEmbeddedBroker({ port: 0 });
    const hub = await startHub(
      {
        http: { port: 0 },
        broker: { url: external.url, protocolVersion: 4, clientId: 'hub-ext', connections: 1 },
        store: { path: ':memory:' },
      },
      { log },
    );
    expect(hub.mqttUrl).toBe(external.url);
    await waitFor('the hub to connect', () => hub.connected);
    await external.close();
    await waitFor('the hub to notice', () => !hub.connected);
    const health = await (await fetch(`${hub.httpUrl}/api/health`)).json();
    expect(health).toMatchObject({ status: 'degraded', broker: { connected: false } });
    await hub.close();
  });

  it('rejects invalid config with the key path, and unwinds a half-started hub', async () => {
    await expect(startHub({ http: { port: -1 } }, { log })).rejects.toThrow(
      'http.port: expected integer 0-65535, got -1 (example: 8080)',
    );
    const first = await startHub(
      { http: { port: 0 }, broker: { port: 0 }, store: { path: ':memory:' } },
      { log },
    );
    const port = Number(new URL(first.httpUrl).port);
    await expect(
      startHub({ http: { port }, broker: { port: 0 }, store: { path: ':memory:' } }, { log }),
    ).rejects.toThrow(/HTTP cannot listen on 127\.0\.0\.1:\d+/);
    await first.close();
  });

  /** An agent's view: what the hub says it holds, after publishing results (duplicates and a refused batch too). */
  async function acksSeenBy(hub: Hub) {
    // The agent's own login (the embedded broker checks it; a bare external broker takes it as is).
    const login = await hub.credentials.addAgent(ref, { rotate: true });
    const agent = await mqtt.connectAsync(hub.mqttUrl, { protocolVersion: 4, reconnectPeriod: 0, ...login });
    const acks: ResultsAck[] = [];
    let capabilities: string[] | undefined;
    agent.on('message', (topic, payload) => {
      if (topic === topics.hubState()) {
        const d = decode(HubState, payload);
        if (d.ok) capabilities = d.value.capabilities;
      }
      const d = decode(ResultsAckSchema, payload);
      if (topic === topics.ack(ref) && d.ok) acks.push(d.value);
    });
    await agent.subscribeAsync([topics.ack(ref), topics.hubState()], { qos: 1 });
    const send = (seqs: number[], score = 0.1) =>
      agent.publishAsync(
        topics.results(ref),
        JSON.stringify({ session: 's', results: seqs.map((seq) => makeResult(seq, { score })) }),
        { qos: 1 },
      );
    const covered = (seq: number) => acks.some((a) => a.stored.some(([lo, hi]) => lo <= seq && seq <= hi));
    await send([1, 2, 3]);
    await send([5, 6]);
    await waitFor('acks of 1-3 and 5-6', () => [1, 2, 3, 5, 6].every(covered));
    const before = acks.length;
    await send([2, 3]); // a redelivery is acknowledged again
    await waitFor('the duplicate acked', () => acks.length > before);
    await agent.publishAsync(
      topics.results(ref),
      JSON.stringify({ session: 's', results: [{ ...makeResult(9), score: 'high' }] }),
      { qos: 1 },
    );
    await waitFor('the refused seq acked as rejected', () =>
      acks.some((a) => a.rejected?.some(([lo, hi]) => lo <= 9 && 9 <= hi)),
    );
    await agent.endAsync();
    return { acks, capabilities, covered };
  }

  it('acknowledges results end to end on .../ack after the commit (embedded broker), and says so in hub state', async () => {
    const hub = await startHub(
      { http: { port: 0 }, broker: { port: 0 }, store: { path: ':memory:' } },
      { log },
    );
    const { acks, capabilities, covered } = await acksSeenBy(hub);
    expect(capabilities).toEqual(['results-ack']);
    expect(acks.flatMap((a) => a.stored)).toContainEqual([5, 6]);
    expect(covered(4)).toBe(false);
    expect(covered(9)).toBe(false);
    expect((await hub.counters()).acks.messages).toBeGreaterThanOrEqual(3);
    await hub.close();
  }, 30_000);

  it('acknowledges results end to end through an external broker', async () => {
    const external = await createEmbeddedBroker({ port: 0 });
    const hub = await startHub(
      {
        http: { port: 0 },
        broker: { url: external.url, protocolVersion: 4, clientId: 'hub-ack', connections: 1 },
        store: { path: ':memory:' },
      },
      { log },
    );
    await waitFor('the hub to connect', () => hub.connected);
    const { capabilities, covered } = await acksSeenBy({ ...hub, mqttUrl: external.url });
    expect(capabilities).toEqual(['results-ack']);
    expect(covered(4)).toBe(false);
    // The hub sees its own acks on its wide subscription and ignores them: nothing dead-lettered but seq 9.
    expect((await hub.store.counters()).deadLetters).toBe(1);
    await hub.close();
    await external.close();
  }, 30_000);
});
