import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InspectionResultInput, topics } from '@sightline/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../api/index.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from '../broker/index.ts';
import type { LineMetrics } from '../metrics/index.ts';
import { createDuckDbStore, type ResultStore } from '../store/index.ts';
import { waitFor } from '../testing/wait-for.ts';
import { createIngest, type Ingest } from './index.ts';

const log = pino({ level: 'silent' });
const ref = { site: 'plant-a', line: 'line-1', agent: 'cam-1' };
const dir = mkdtempSync(join(tmpdir(), 'sl-hub-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function results(from: number, count: number, base = Date.now() - 60_000): InspectionResultInput[] {
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

let broker: EmbeddedBroker;
let store: ResultStore;
let agent: MqttClient;
const cleanups: Array<() => Promise<unknown>> = [];
let n = 0;

beforeEach(async () => {
  broker = await createEmbeddedBroker({ port: 0 });
  store = await createDuckDbStore({ path: join(dir, `hub-${++n}.duckdb`) });
  agent = await mqtt.connectAsync(broker.url, {
    protocolVersion: 4,
    clientId: 'agent-cam-1',
    reconnectPeriod: 0,
  });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await agent.endAsync(true);
  await broker.close();
  await store.close();
});

async function startIngest(s: ResultStore = store, maxPayloadBytes?: number): Promise<Ingest> {
  const ingest = createIngest({
    url: broker.url,
    store: s,
    log,
    protocolVersion: 4,
    clientId: 'hub-test',
    maxPayloadBytes,
  });
  cleanups.push(() => ingest.close({ force: true }));
  await ingest.ready();
  return ingest;
}

describe('ingest over TCP', () => {
  it('stores results once, dead-letters bad messages, and /api/lines agrees', async () => {
    const ingest = await startIngest(store, 64 * 1024);
    expect(ingest.connected).toBe(true);
    const batch = JSON.stringify({ session: 's1', results: results(0, 20) });
    await agent.publishAsync(topics.results(ref), batch, { qos: 1 });
    await agent.publishAsync(topics.results(ref), batch, { qos: 1 }); // redelivery
    await waitFor('both batches', async () => (await store.counters()).duplicates === 20);
    expect(await store.counters()).toEqual({ results: 20, duplicates: 20, deadLetters: 0 });

    const bad = results(100, 2);
    (bad[0] as Record<string, unknown>).score = 'high';
    await agent.publishAsync(topics.results(ref), JSON.stringify({ session: 's1', results: bad }), {
      qos: 1,
    });
    await agent.publishAsync(topics.stats(ref), Buffer.from([0x7b, 0xff, 0x00]), { qos: 1 });
    await agent.publishAsync(topics.events(ref), `{"pad":"${'x'.repeat(70 * 1024)}"}`, { qos: 1 });
    await agent.publishAsync('sl/v1/Plant_A/line-1/cam-1/results', batch, { qos: 1 });
    await waitFor('4 dead letters', async () => (await store.counters()).deadLetters === 4);

    const letters = await store.deadLetters({ limit: 10 });
    const [wrongTopic, tooLarge, notJson, invalid] = letters;
    expect(invalid).toMatchObject({
      code: 'SL_PAYLOAD_INVALID',
      sender: 'plant-a/line-1/cam-1',
      topic: topics.results(ref),
    });
    expect(invalid?.error).toContain('results[0].score');
    expect(notJson).toMatchObject({
      code: 'SL_PAYLOAD_NOT_JSON',
      payload_encoding: 'base64',
      payload_size: 3,
    });
    expect(tooLarge).toMatchObject({
      code: 'SL_PAYLOAD_TOO_LARGE',
      truncated: true,
      payload_size: 70 * 1024 + 10,
    });
    expect(tooLarge?.payload).toHaveLength(4096);
    expect(wrongTopic).toMatchObject({ code: 'SL_TOPIC_INVALID', sender: 'Plant_A/line-1/cam-1' });
    expect(ingest.counts).toEqual({ messages: 6, deadLetters: 4, storeFailures: 0 });
    expect((await store.counters()).results).toBe(20); // nothing from the bad batch got in

    const api = createApi({
      store,
      status: { brokerConnected: () => ingest.connected, startedAt: Date.now() },
    });
    const body = (await (await api.request('/api/lines?window=5m')).json()) as { lines: LineMetrics[] };
    expect(body.lines).toHaveLength(1);
    expect(body.lines[0]).toMatchObject({
      site: 'plant-a',
      line: 'line-1',
      agents: 1,
      inspected: 20,
      defects: 5,
    });
    expect(body.lines[0]?.parts_per_min).toBeCloseTo(60, 6); // 20 parts 1 s apart
  });

  it('records birth, state, stats, events and model status per agent', async () => {
    await startIngest();
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
      retain: true,
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

  it('publishes retained hub state: online on connect, offline on clean shutdown', async () => {
    const ingest = await startIngest();
    const watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    cleanups.push(() => watcher.endAsync(true));
    const states: Array<{ online: boolean }> = [];
    watcher.on('message', (_t, payload) => states.push(JSON.parse(payload.toString())));
    await watcher.subscribeAsync(topics.hubState(), { qos: 1 });
    await waitFor('retained online state', () => states.length === 1);
    expect(states[0]?.online).toBe(true);
    await ingest.close();
    await ingest.close(); // idempotent
    await waitFor('offline state', () => states.length === 2);
    expect(states[1]?.online).toBe(false);
    expect(ingest.connected).toBe(false);
  });

  it('is exactly-once across a hub crash between receipt and write', async () => {
    // A store whose first insert hangs: the hub "crashes" before acknowledging the message.
    let hang = true;
    let entered = 0;
    const stalling: ResultStore = {
      ...store,
      insertResults: (...args) => {
        entered++;
        return hang ? new Promise(() => {}) : store.insertResults(...args);
      },
    };
    const first = await startIngest(stalling);
    const watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    cleanups.push(() => watcher.endAsync(true));
    const states: boolean[] = [];
    watcher.on('message', (_t, payload) => states.push(JSON.parse(payload.toString()).online));
    await watcher.subscribeAsync(topics.hubState(), { qos: 1 });

    await agent.publishAsync(topics.results(ref), JSON.stringify({ session: 's1', results: results(0, 5) }), {
      qos: 1,
    });
    await waitFor('the hub to receive the batch', () => entered === 1);
    await first.close({ force: true });
    await waitFor('the will to announce the hub offline', () => states.at(-1) === false);

    // While the hub is down, the broker queues new QoS 1 results for its persistent session.
    await agent.publishAsync(topics.results(ref), JSON.stringify({ session: 's1', results: results(5, 5) }), {
      qos: 1,
    });
    hang = false;
    await startIngest(stalling);
    await waitFor('redelivery and the queued batch', async () => (await store.counters()).results === 10);
    expect((await store.counters()).duplicates).toBe(0);
  });
});
