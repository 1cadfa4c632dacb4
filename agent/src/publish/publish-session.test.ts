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

  it('keeps what a broker acknowledged and then lost, and sends it again until a confirming hub has it', async () => {
    const lossy = await startTestBroker();
    // The broker PUBACKs every results message but drops the first two instead of delivering them, as a
    // Mosquitto killed before its next save would.
    let drop = 2;
    lossy.broker.authorizeForward = (_client, packet) => {
      if (packet.topic === topics.results(ref) && drop > 0) {
        drop -= 1;
        return null;
      }
      return packet;
    };
    const stored = new Map<number, boolean>();
    const hub = await mqtt.connectAsync(lossy.url, { protocolVersion: 4 });
    hub.on('message', (_t, payload) => {
      for (const r of JSON.parse(payload.toString()).results) stored.set(r.seq, r.replayed === true);
      const seqs = [...stored.keys()].sort((a, b) => a - b);
      const ranges: [number, number][] = [];
      for (const seq of seqs) {
        const last = ranges.at(-1);
        if (last && seq === last[1] + 1) last[1] = seq;
        else ranges.push([seq, seq]);
      }
      void hub.publishAsync(topics.ack(ref), JSON.stringify({ ts: Date.now(), stored: ranges }), { qos: 0 });
    });
    await hub.subscribeAsync(topics.results(ref), { qos: 1 });
    const state = { online: true, ts: Date.now(), capabilities: ['results-ack'] };
    await hub.publishAsync(topics.hubState(), JSON.stringify(state), { qos: 1, retain: true });

    const outbox = createMemoryOutbox();
    for (let i = 0; i < 60; i++) await outbox.append(result(i));
    const session = createSession({
      ref,
      client: lossy.memoryClient(),
      log: pino({ level: 'silent' }),
      birth: testBirth,
      onCommand: () => undefined,
    });
    const publisher = createPublisher({
      outbox,
      session,
      batchSize: 10,
      batchMs: 20,
      confirmTimeoutMs: 300,
      log: pino({ level: 'silent' }),
    });
    session.onAck((ack) => publisher.confirm(ack));
    expect(await publisher.drain(30_000)).toBe(true);
    expect([...stored.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    // The two lost batches (seqs 0-19) came again, marked replayed (others may have, too, on a slow machine).
    expect(Array.from({ length: 20 }, (_, seq) => stored.get(seq))).toEqual(Array(20).fill(true));
    expect(publisher.published()).toBe(60);
    publisher.stop();
    await session.close();
    await hub.endAsync();
    await lossy.close();
  }, 60_000);
});
