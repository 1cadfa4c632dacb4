import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InspectionResultInput, topics } from '@sightline/protocol';
import { Aedes } from 'aedes';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDuckDbStore, type ResultStore } from '../store/index.ts';
import { inProcessClient } from '../testing/broker-pair.ts';
import { waitFor } from '../testing/wait-for.ts';
import { createIngest } from './index.ts';
import { attachMqttSource, type MqttSource } from './mqtt-source.ts';

const log = pino({ level: 'silent' });
const ref = { site: 'plant-a', line: 'line-1', agent: 'cam-1' };
const dir = mkdtempSync(join(tmpdir(), 'sl-hub-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

export function results(from: number, count: number, base = Date.now() - 60_000): InspectionResultInput[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    ts: base + i * 1000,
    frame: `f-${from + i}`,
    model: { id: 'default', version: '1.0.0' },
    verdict: (from + i) % 4 === 0 ? 'defect' : 'ok',
    score: 0.2,
    threshold: 0.5,
    latency: { capture: 1, preprocess: 1, infer: 2, total: 4 },
  }));
}

// An in-process broker pair: aedes and MQTT.js clients over in-memory streams, no socket.
let broker: Aedes;
let store: ResultStore;
let agent: MqttClient;
let source: MqttSource;
let n = 0;

beforeEach(async () => {
  broker = await Aedes.createBroker();
  store = await createDuckDbStore({ path: join(dir, `hub-${++n}.duckdb`) });
  const ingest = createIngest({ store, log, maxPayloadBytes: 64 * 1024 });
  source = attachMqttSource({
    clients: [inProcessClient(broker, { clientId: 'hub', clean: false })],
    accept: ingest.accept,
    log,
  });
  await source.ready();
  agent = inProcessClient(broker, { clientId: 'agent-cam-1' });
  await new Promise((resolve) => agent.once('connect', resolve));
});
afterEach(async () => {
  await agent.endAsync(true);
  await source.close({ force: true });
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await store.close();
});

describe('ingest routing (in-process broker pair)', () => {
  it('stores results once, counts redeliveries, and dead-letters every kind of bad message', async () => {
    const batch = JSON.stringify({ session: 's1', results: results(0, 20) });
    await agent.publishAsync(topics.results(ref), batch, { qos: 1 });
    await agent.publishAsync(topics.results(ref), batch, { qos: 1 });
    await waitFor('both batches', async () => (await store.counters()).duplicates === 20);

    const bad = results(100, 2);
    (bad[0] as Record<string, unknown>).score = 'high';
    const deep = `{"ts":1,"kind":"disk_full","severity":"info","message":"m","detail":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    await agent.publishAsync(topics.results(ref), JSON.stringify({ session: 's1', results: bad }), {
      qos: 1,
    });
    await agent.publishAsync(topics.stats(ref), Buffer.from([0x7b, 0xff, 0x00]), { qos: 1 });
    await agent.publishAsync(topics.events(ref), `{"pad":"${'x'.repeat(70 * 1024)}"}`, { qos: 1 });
    await agent.publishAsync('sl/v1/Plant_A/line-1/cam-1/results', batch, { qos: 1 });
    await agent.publishAsync(topics.events(ref), deep, { qos: 1 });
    await agent.publishAsync('sl/v1/plant-a/line-1/cam-1/telemetry', '{}', { qos: 1 });
    await waitFor('6 dead letters', async () => (await store.counters()).deadLetters === 6);

    const letters = await store.deadLetters({ limit: 10 });
    expect(letters.map((l) => l.code)).toEqual([
      'SL_CHANNEL_UNKNOWN',
      'SL_PAYLOAD_TOO_DEEP',
      'SL_TOPIC_INVALID',
      'SL_PAYLOAD_TOO_LARGE',
      'SL_PAYLOAD_NOT_JSON',
      'SL_PAYLOAD_INVALID',
    ]);
    expect(letters[5]?.error).toContain('results[0].score');
    expect(letters[2]?.sender).toBe('Plant_A/line-1/cam-1');
    expect(letters[0]?.sender).toBe('plant-a/line-1/cam-1');
    expect(store.status().deadLetters.byReason.SL_PAYLOAD_TOO_DEEP).toEqual({ 'plant-a/line-1/cam-1': 1 });
    expect(await store.counters()).toEqual({ results: 20, duplicates: 20, deadLetters: 6 });
  });

  it('keeps a result from a clock a year ahead with the receive time, flagged', async () => {
    const future = results(0, 1, Date.now() + 365 * 86_400_000);
    await agent.publishAsync(topics.results(ref), JSON.stringify({ session: 's1', results: future }), {
      qos: 1,
    });
    const page = await waitFor('the result', async () => (await store.results({ limit: 5 })).results[0]);
    expect(page.clock).toBe('ahead');
    expect(page.device_ts).toBe(future[0]?.ts);
    expect(Math.abs(page.ts - Date.now())).toBeLessThan(60_000);
  });

  it('records birth, state, stats, events and model status per agent', async () => {
    const ts = Date.now();
    const birth = {
      session: 's1',
      ts,
      agentVersion: '0.1.0',
      model: { id: 'default', version: '1.0.0', sha256: 'b'.repeat(64) },
      cameras: [],
      thresholds: { defect: 0.5 },
      capabilities: [],
    };
    await agent.publishAsync(topics.birth(ref), JSON.stringify(birth), { qos: 1 });
    await agent.publishAsync(topics.state(ref), JSON.stringify({ online: true, session: 's1', ts }), {
      qos: 1,
    });
    await agent.publishAsync(
      topics.events(ref),
      JSON.stringify({ ts, kind: 'camera_lost', severity: 'warning', message: 'cam0 stopped' }),
      { qos: 1 },
    );
    await agent.publishAsync(
      topics.modelStatus(ref),
      JSON.stringify({ ts, model: { id: 'default', version: '1.1.0' }, phase: 'shadow' }),
      { qos: 1 },
    );
    const [snapshot] = await waitFor('agent snapshot', async () => {
      const agents = await store.agents();
      return agents[0]?.model_status ? agents : undefined;
    });
    expect(snapshot).toMatchObject({
      birth: { session: 's1' },
      state: { online: true },
      model_status: { phase: 'shadow' },
    });
    expect((await store.events({ limit: 5 }))[0]).toMatchObject({ kind: 'camera_lost', agent: 'cam-1' });
  });

  it('publishes retained hub state online, and offline on a clean close', async () => {
    const watcher = inProcessClient(broker, { clientId: 'watcher' });
    const states: boolean[] = [];
    watcher.on('message', (_t, payload) => states.push(JSON.parse(payload.toString()).online));
    await new Promise((resolve) => watcher.once('connect', resolve));
    await watcher.subscribeAsync(topics.hubState(), { qos: 1 });
    await waitFor('retained online state', () => states.length === 1);
    expect(states[0]).toBe(true);
    await source.close();
    await waitFor('offline state', () => states.length === 2);
    expect(states[1]).toBe(false);
    await watcher.endAsync(true);
  });
});

describe('sample parts through ingest', () => {
  const sha = 'ab'.repeat(32);
  const topic = (chunk: string) => `sl/v1/plant-a/line-1/cam-1/samples/${sha}/${chunk}`;

  it('acknowledges a part once the sink holds it, dead-letters one it rejects, and refuses one it cannot keep', async () => {
    const outcomes: Array<'held' | 'rejected' | 'disk full'> = ['held', 'rejected', 'disk full'];
    const seen: Array<[string, number | 'meta']> = [];
    const ingest = createIngest({
      store,
      log,
      samples: async (ref, sha256, chunk) => {
        seen.push([sha256, chunk]);
        const next = outcomes.shift();
        if (next === 'disk full') throw new Error('ENOSPC: no space left on device');
        if (next === 'rejected')
          return { kind: 'rejected', code: 'SL_SAMPLE_HASH_MISMATCH', error: `bad from ${ref.agent}` };
        return { kind: 'held' };
      },
    });
    await expect(ingest.accept(topic('meta'), Buffer.from('{}'))).resolves.toEqual({
      kind: 'stored',
      channel: 'samples',
    });
    await expect(ingest.accept(topic('0'), Buffer.alloc(10))).resolves.toMatchObject({
      kind: 'rejected',
      code: 'SL_SAMPLE_HASH_MISMATCH',
    });
    await expect(ingest.accept(topic('1'), Buffer.alloc(10))).rejects.toThrow(/no space/);
    expect(seen).toEqual([
      [sha, 'meta'],
      [sha, 0],
      [sha, 1],
    ]);
    expect(ingest.counts).toMatchObject({ messages: 2, deadLetters: 1, storeFailures: 1 });
    const [letter] = await store.deadLetters({ limit: 5 });
    expect(letter).toMatchObject({ code: 'SL_SAMPLE_HASH_MISMATCH', sender: 'plant-a/line-1/cam-1' });
  });
});
