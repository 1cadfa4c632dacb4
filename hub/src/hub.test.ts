import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topics } from '@sightline/protocol';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbeddedBroker } from './broker/index.ts';
import { startHub } from './hub.ts';
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
});
