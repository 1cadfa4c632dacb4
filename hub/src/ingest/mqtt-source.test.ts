import { topics } from '@sightline/protocol';
import { Aedes } from 'aedes';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { makeResult } from '../store/fixtures.ts';
import { createDuckDbStore, type ResultStore } from '../store/index.ts';
import { inProcessClient } from '../testing/broker-pair.ts';
import { waitFor } from '../testing/wait-for.ts';
import { createIngest } from './index.ts';
import { attachMqttSource } from './mqtt-source.ts';

const log = pino({ level: 'silent' });
const ref = { site: 'plant-a', line: 'line-1', agent: 'cam-1' };
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('attachMqttSource (external broker path, in-process broker pair)', () => {
  it('reads on while messages wait for their commit, and acknowledges each only after it', async () => {
    const broker = await Aedes.createBroker();
    cleanups.push(() => new Promise<void>((r) => broker.close(() => r())));
    const store = await createDuckDbStore({ path: ':memory:' });
    cleanups.push(() => store.close());
    // Every insert waits until released: the hub "commits" only when the test says so.
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let entered = 0;
    const gated: ResultStore = {
      ...store,
      insertResults: async (...args) => {
        entered++;
        await gate;
        return store.insertResults(...args);
      },
    };
    const hub = inProcessClient(broker, { clientId: 'hub', clean: false });
    const source = attachMqttSource({
      clients: [hub],
      accept: createIngest({ store: gated, log }).accept,
      log,
    });
    cleanups.push(() => source.close({ force: true }));
    await source.ready();
    const acked: number[] = [];
    broker.on('ack', (packet) => {
      if (packet && 'messageId' in packet && packet.cmd === 'publish') acked.push(packet.messageId ?? -1);
    });

    const agent = inProcessClient(broker, { clientId: 'agent' });
    cleanups.push(() => agent.endAsync(true));
    for (const seq of [1, 2, 3]) {
      const batch = JSON.stringify({ session: 's', results: [makeResult(seq, { ts: Date.now() })] });
      await agent.publishAsync(topics.results(ref), batch, { qos: 1 });
    }
    // All three are being stored at once on one connection: MQTT.js did not wait for the first commit.
    await waitFor('three messages in flight', () => entered === 3);
    expect(acked).toEqual([]);
    release();
    await waitFor('three PUBACKs', () => acked.length === 3);
    expect((await store.counters()).results).toBe(3);
  });
});
