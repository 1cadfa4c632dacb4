import { topics } from '@sightline/protocol';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../errors.ts';
import { createIngest } from '../ingest/index.ts';
import { makeResult } from '../store/fixtures.ts';
import { createDuckDbStore } from '../store/index.ts';
import { createBrokerPolicy } from './auth.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from './index.ts';

let broker: EmbeddedBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

describe('createEmbeddedBroker', () => {
  it('listens on an ephemeral port and routes a QoS 1 message between MQTT 3.1.1 clients', async () => {
    broker = await createEmbeddedBroker({ port: 0 });
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);

    const sub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    await sub.subscribeAsync('t/+', { qos: 1 });
    const got = new Promise<[string, string]>((resolve) =>
      sub.on('message', (topic, payload) => resolve([topic, payload.toString()])),
    );
    await pub.publishAsync('t/a', 'hello', { qos: 1 });
    expect(await got).toEqual(['t/a', 'hello']);
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  it('refuses MQTT 5 clients (aedes 1.x speaks 3.1.1 only)', async () => {
    broker = await createEmbeddedBroker({ port: 0 });
    const attempt = mqtt.connectAsync(broker.url, {
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 2000,
    });
    await expect(attempt).rejects.toThrow();
  });

  it('close() is idempotent and drops connected clients', async () => {
    broker = await createEmbeddedBroker({ port: 0 });
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await Promise.all([broker.close(), broker.close()]);
    await closed;
    client.end(true);
  });
});

describe('embedded broker in front of ingest', () => {
  const log = pino({ level: 'silent' });
  const ref = { site: 'plant-a', line: 'line-1', agent: 'cam-1' };
  const batch = (from: number) =>
    JSON.stringify({
      session: 's1',
      results: [0, 1, 2].map((i) => ({ ...makeResult(from + i), ts: Date.now() - 1000 })),
    });

  it('acknowledges a QoS 1 message only once it is committed', async () => {
    const store = await createDuckDbStore({ path: ':memory:' });
    const ingest = createIngest({ store, log });
    broker = await createEmbeddedBroker({ port: 0, onUplink: (t, p) => ingest.accept(t, p) });
    const agent = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    await agent.publishAsync(topics.results(ref), batch(0), { qos: 1 });
    // PUBACK received: the results are in the database already, no waiting.
    expect((await store.counters()).results).toBe(3);
    await agent.endAsync();
    await broker.close();
    await store.close();
  });

  it('withholds the PUBACK and drops the connection while the store cannot write', async () => {
    const store = await createDuckDbStore({ path: ':memory:' });
    let full = true;
    const failing: typeof store = {
      ...store,
      insertResults: (...args) =>
        full
          ? Promise.reject(new StoreUnavailableError('No space left on device'))
          : store.insertResults(...args),
    };
    const ingest = createIngest({ store: failing, log });
    broker = await createEmbeddedBroker({ port: 0, onUplink: (t, p) => ingest.accept(t, p) });
    const agent = await mqtt.connectAsync(broker.url, {
      protocolVersion: 4,
      reconnectPeriod: 100,
      clean: false,
      clientId: 'a1',
    });
    let acked = false;
    const sent = agent.publishAsync(topics.results(ref), batch(0), { qos: 1 }).then(() => (acked = true));
    await new Promise<void>((resolve) => agent.once('close', () => resolve()));
    expect(acked).toBe(false);
    expect(ingest.counts.storeFailures).toBeGreaterThan(0);
    full = false; // space is back: the client resends on reconnect and it is stored once
    await sent;
    expect((await store.counters()).results).toBe(3);
    await agent.endAsync();
    await broker.close();
    await store.close();
  });

  it("refuses a client that claims the hub's client id", async () => {
    const policy = createBrokerPolicy({ reservedClientIds: ['sightline-hub'], allowAnonymous: true, log });
    broker = await createEmbeddedBroker({ port: 0, policy });
    for (const clientId of ['sightline-hub', 'sightline-hub-3']) {
      const attempt = mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, clientId });
      await expect(attempt).rejects.toThrow(/Identifier rejected/i);
    }
    const agent = await mqtt.connectAsync(broker.url, {
      protocolVersion: 4,
      reconnectPeriod: 0,
      clientId: 'cam-1',
    });
    expect(agent.connected).toBe(true);
    await agent.endAsync();
  });
});
