import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@sightline/models';
import { type AgentRef, ResultsAck, topics } from '@sightline/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startHub } from '../hub.ts';
import { makeResult } from '../store/fixtures.ts';
import { waitFor } from '../testing/wait-for.ts';

const log = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'sl-fuzz-traffic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good: AgentRef = { site: 'plant-f', line: 'line-1', agent: 'good-cam' };
const broken: AgentRef = { site: 'plant-f', line: 'line-2', agent: 'broken-cam' };

/** One hostile results payload: random bytes, invalid UTF-8, deep nesting, wrong types or absurd numbers. */
function hostile(next: () => number, i: number): Buffer {
  const int = (n: number) => Math.floor(next() * n);
  switch (i % 5) {
    case 0:
      return Buffer.from(Array.from({ length: 1 + int(512) }, () => int(256)));
    case 1:
      return Buffer.concat([
        Buffer.from('{"session":"s","results":[{"frame":"'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('"}]}'),
      ]);
    case 2: {
      const depth = 200 + int(5000);
      return Buffer.from(`${'{"detail":'.repeat(depth)}1${'}'.repeat(depth)}`);
    }
    case 3:
      return Buffer.from(
        JSON.stringify({ session: 7, results: [{ seq: 'x', ts: [], verdict: {}, score: 'high' }] }),
      );
    default:
      return Buffer.from(
        `{"session":"s","results":[{"seq":${int(10) + 1}e400,"ts":NaN,"frame":"f","model":{"id":"m","version":"1"},"verdict":"ok","score":1e999,"threshold":-1e308}]}`,
      );
  }
}

async function connect(url: string, creds: { username: string; password: string; clientId: string }) {
  return mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, ...creds });
}

describe('ingest under hostile traffic', () => {
  it('dead-letters every hostile payload while a good agent keeps being stored and confirmed', async () => {
    const hub = await startHub(
      {
        http: { port: 0 },
        broker: { port: 0, limits: { messagesPerSecond: 0, bytesPerSecond: 0 } },
        store: { path: join(dir, 'hub.duckdb') },
        dashboard: { dir: join(dir, 'no-dashboard') },
      },
      { log },
    );
    const clients: MqttClient[] = [];
    try {
      const goodClient = await connect(hub.mqttUrl, await hub.credentials.addAgent(good));
      const brokenClient = await connect(hub.mqttUrl, await hub.credentials.addAgent(broken));
      clients.push(goodClient, brokenClient);

      // The hub confirms stored seqs on the agent's ack topic after each commit: publish → confirmed is the
      // whole path a result takes, and what this test times (reported, never asserted: speed is for benches).
      const sentAt = new Map<number, number>();
      const confirmedAfter = new Map<number, number>();
      await goodClient.subscribeAsync(topics.ack(good), { qos: 0 });
      goodClient.on('message', (_topic, payload) => {
        const ack = ResultsAck.parse(JSON.parse(payload.toString()));
        const now = performance.now();
        for (const [lo, hi] of ack.stored)
          for (let seq = lo; seq <= hi; seq++) {
            const at = sentAt.get(seq);
            if (at !== undefined && !confirmedAfter.has(seq)) confirmedAfter.set(seq, now - at);
          }
      });

      const before = (await hub.store.counters()).deadLetters;
      const hostileCount = 1000;
      const goodCount = 200;
      const next = createRng(8); // the same seed makes the same payloads, so a failure can be replayed
      const hostileSent = (async () => {
        for (let i = 0; i < hostileCount; i++)
          await brokenClient.publishAsync(topics.results(broken), hostile(next, i), { qos: 1 });
      })();
      // Good traffic beside it: one result per message, as a camera at ~100 parts/s would send them.
      for (let seq = 1; seq <= goodCount; seq++) {
        sentAt.set(seq, performance.now());
        const result = makeResult(seq, { ts: Date.now() });
        await goodClient.publishAsync(
          topics.results(good),
          JSON.stringify({ session: 's', results: [result] }),
          {
            qos: 1,
          },
        );
        await new Promise((r) => setTimeout(r, 10));
      }
      await hostileSent;

      await waitFor(
        'every good result confirmed',
        () => (confirmedAfter.size === goodCount ? true : undefined),
        60_000,
      );
      const counters = await waitFor(
        'every hostile payload dead-lettered',
        async () => {
          const c = await hub.store.counters();
          return c.deadLetters - before >= hostileCount ? c : undefined;
        },
        60_000,
      );
      expect(counters.deadLetters - before).toBe(hostileCount);
      expect(counters.results).toBe(goodCount);
      const latencies = [...confirmedAfter.values()].sort((a, b) => a - b);
      const p95 = latencies[Math.floor(0.95 * (latencies.length - 1))] as number;
      console.log(
        JSON.stringify({
          hostile: hostileCount,
          dead_lettered: counters.deadLetters - before,
          good: goodCount,
          stored: counters.results,
          confirm_p95_ms: Math.round(p95),
          confirm_max_ms: Math.round(latencies.at(-1) as number),
        }),
      );
      // The hub is still healthy for everyone else.
      expect(hub.connected).toBe(true);
    } finally {
      for (const c of clients) await c.endAsync().catch(() => undefined);
      await hub.close();
    }
  }, 180_000);
});
