import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../testing/wait-for.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from './index.ts';

/** An uplink handler whose promises the test settles by hand, in any order. */
function manualStore() {
  const calls: Array<{ payload: string; resolve(): void; reject(e: Error): void }> = [];
  const handler = (_topic: string, payload: Uint8Array) =>
    new Promise<unknown>((resolve, reject) => {
      calls.push({ payload: Buffer.from(payload).toString(), resolve: () => resolve(undefined), reject });
    });
  return { calls, handler };
}

const topic = 'sl/v1/plant-a/line-1/cam-1/results';
let broker: EmbeddedBroker | undefined;
let client: MqttClient | undefined;
afterEach(async () => {
  await client?.endAsync(true);
  await broker?.close();
  client = undefined;
  broker = undefined;
});

/** Publishes n QoS 1 messages; `acked` lists their numbers in the order their PUBACKs came back. */
function publishMany(c: MqttClient, n: number) {
  const acked: number[] = [];
  const errors: Error[] = [];
  for (let i = 0; i < n; i++) {
    c.publish(topic, String(i), { qos: 1 }, (err) => (err ? errors.push(err) : acked.push(i)));
  }
  return { acked, errors };
}

/** A broker whose uplink goes to a store the test settles by hand, and a client connected to it. */
async function startWith(maxPendingPerClient: number) {
  const store = manualStore();
  broker = await createEmbeddedBroker({
    port: 0,
    onUplink: store.handler,
    uplinkLimits: { maxPendingPerClient, maxPendingBytes: 2 ** 20 },
  });
  const c = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
  client = c;
  return { store, c };
}

describe('uplink hook', () => {
  it('reads on while earlier messages wait for the store, and acknowledges each in arrival order once stored', async () => {
    const { store, c } = await startWith(1000);
    const sent = publishMany(c, 10);
    // All ten reach the store although none is stored yet: the connection is not held up by the first.
    await waitFor('all ten to reach the store', () => store.calls.length === 10, 30_000);
    expect(store.calls.map((c) => c.payload)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(sent.acked).toEqual([]);
    // Stored out of order: nothing is acknowledged ahead of an earlier message.
    for (const i of [3, 1, 2]) store.calls[i]?.resolve();
    await new Promise((r) => setImmediate(r));
    store.calls[0]?.resolve();
    await waitFor('0-3 acknowledged', () => sent.acked.length === 4, 30_000);
    expect(sent.acked).toEqual([0, 1, 2, 3]);
    for (const c of store.calls.slice(4)) c.resolve();
    await waitFor('all acknowledged', () => sent.acked.length === 10, 30_000);
    expect(sent.acked).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sent.errors).toEqual([]);
  }, 60_000);

  it('stops reading a connection past its limit until the store catches up', async () => {
    const { store, c } = await startWith(3);
    const sent = publishMany(c, 200);
    await waitFor('the first messages to reach the store', () => store.calls.length > 3, 30_000);
    // The broker stops after the chunk that crossed the limit; a second chunk would mean it read on.
    const seen = store.calls.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(store.calls.length).toBe(seen);
    expect(seen).toBeLessThan(200);
    // Each one stored lets it read on; every message arrives and is acknowledged once, in order.
    for (let done = 0; done < 200; ) {
      const next = store.calls.slice(done);
      for (const c of next) c.resolve();
      done += next.length;
      if (done < 200) await waitFor('more to arrive', () => store.calls.length > done, 30_000);
    }
    await waitFor('all acknowledged', () => sent.acked.length === 200, 30_000);
    expect(sent.acked).toEqual(Array.from({ length: 200 }, (_, i) => i));
  }, 60_000);

  it('acknowledges nothing from a message the store refuses on, and closes the connection', async () => {
    const store = manualStore();
    broker = await createEmbeddedBroker({ port: 0, onUplink: store.handler });
    client = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client?.once('close', () => resolve()));
    const sent = publishMany(client, 4);
    await waitFor('all four to reach the store', () => store.calls.length === 4, 30_000);
    store.calls[0]?.resolve();
    await waitFor('the first acknowledged', () => sent.acked.length === 1, 30_000);
    store.calls[1]?.reject(new Error('No space left on device'));
    store.calls[2]?.resolve();
    store.calls[3]?.resolve();
    await closed;
    expect(sent.acked).toEqual([0]);
  }, 60_000);
});
