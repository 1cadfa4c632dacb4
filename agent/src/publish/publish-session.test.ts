import { topics } from '@sightline/protocol';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { result } from '../outbox/fixtures.ts';
import { createMemoryOutbox } from '../outbox/memory-outbox.ts';
import { createSession } from '../session/index.ts';
import { startTestBroker, type TestBroker, testBirth } from '../session/test-broker.ts';
import { createPublisher } from './publisher.ts';

const ref = { site: 'plant', line: 'line-1', agent: 'pub' };
let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(() => broker.close());

describe('publisher through a real session (in-process broker)', () => {
  it('sends every outbox entry once the hub is online, and empties the outbox on PUBACK', async () => {
    const received: number[] = [];
    const hub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    hub.on('message', (_t, payload) => {
      for (const r of JSON.parse(payload.toString()).results) received.push(r.seq);
    });
    await hub.subscribeAsync(topics.results(ref), { qos: 1 });
    const outbox = createMemoryOutbox();
    for (let i = 0; i < 120; i++) await outbox.append(result(i));
    const session = createSession({
      ref,
      client: broker.memoryClient(),
      log: pino({ level: 'silent' }),
      birth: testBirth,
      onCommand: () => undefined,
    });
    const publisher = createPublisher({
      outbox,
      session,
      batchSize: 25,
      batchMs: 20,
      log: pino({ level: 'silent' }),
    });
    // Nothing goes out before the hub says it is online.
    expect(await publisher.drain(100)).toBe(false);
    expect(received).toEqual([]);
    await hub.publishAsync(topics.hubState(), JSON.stringify({ online: true, ts: Date.now() }), {
      qos: 1,
      retain: true,
    });
    expect(await publisher.drain(10_000)).toBe(true);
    expect(outbox.depth()).toBe(0);
    const deadline = Date.now() + 10_000;
    while (received.length < 120 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(received).toEqual(Array.from({ length: 120 }, (_, i) => i));
    publisher.stop();
    await session.close();
    await hub.endAsync();
  });
});
