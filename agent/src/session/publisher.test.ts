import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { result } from '../outbox/fixtures.ts';
import { createMemoryOutbox } from '../outbox/memory-outbox.ts';
import type { OutboxEntry } from '../outbox/outbox.ts';
import type { Session } from './index.ts';
import { createPublisher } from './publisher.ts';

/** A session stand-in that acknowledges every batch at once (the MQTT path is covered in test/e2e). */
function acceptingSession(sent: OutboxEntry[][]): Session {
  return {
    ready: true,
    id: 's',
    publishResults: async (entries) => {
      sent.push([...entries]);
    },
    publishStats: () => undefined,
    publishEvent: () => undefined,
    close: async () => undefined,
  };
}

describe('publisher', () => {
  it('caps replayed results per second, in order', async () => {
    const outbox = createMemoryOutbox();
    for (let i = 0; i < 300; i++) await outbox.append({ ...result(i), replayed: true });
    const sent: OutboxEntry[][] = [];
    let clock = 0;
    const publisher = createPublisher({
      outbox,
      session: () => acceptingSession(sent),
      batchSize: 50,
      batchMs: 60_000,
      replayPerSecond: 100,
      now: () => clock,
      log: pino({ level: 'silent' }),
    });
    expect(await publisher.drain(50)).toBe(false);
    // With the clock standing still, one second's allowance went out and no more.
    expect(publisher.published()).toBe(100);
    clock += 500;
    await publisher.drain(50);
    expect(publisher.published()).toBe(150);
    // A long pause does not bank more than one second's worth.
    clock += 10_000;
    await publisher.drain(50);
    expect(publisher.published()).toBe(250);
    clock += 1000;
    expect(await publisher.drain(1000)).toBe(true);
    expect(publisher.published()).toBe(300);
    expect(sent.flat().map((e) => e.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    publisher.stop();
  });
});
