import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { result } from '../outbox/fixtures.ts';
import { createMemoryOutbox } from '../outbox/memory-outbox.ts';
import type { OutboxEntry } from '../outbox/outbox.ts';
import { createBackoff } from './backoff.ts';
import { createPublisher } from './publisher.ts';

/** A session stand-in that acknowledges every batch at once (the MQTT path: publish-session.test.ts). */
function acceptingSession(sent: OutboxEntry[][]) {
  return {
    ready: true,
    publishResults: async (entries: readonly OutboxEntry[]) => {
      sent.push([...entries]);
    },
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
      session: acceptingSession(sent),
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

describe('publisher after a failed publish', () => {
  it('waits a growing, jittered delay before trying again, then sends everything in order', async () => {
    const outbox = createMemoryOutbox();
    for (let i = 0; i < 10; i++) await outbox.append(result(i));
    const sent: OutboxEntry[][] = [];
    let failures = 2;
    const attempts: number[] = [];
    let clock = 0;
    const publisher = createPublisher({
      outbox,
      session: {
        ready: true,
        publishResults: async (entries) => {
          attempts.push(clock);
          if (failures-- > 0) throw new Error('no PUBACK');
          sent.push([...entries]);
        },
      },
      batchSize: 10,
      batchMs: 60_000,
      maxInflight: 1,
      backoff: createBackoff({ initialMs: 1000, maxMs: 8000, random: () => 0 }),
      now: () => clock,
      log: pino({ level: 'silent' }),
    });
    await publisher.drain(50);
    expect(attempts).toEqual([0]);
    clock = 999;
    await publisher.drain(50);
    expect(attempts).toEqual([0]);
    clock = 1000;
    await publisher.drain(50);
    // Second failure: the delay doubled.
    expect(attempts).toEqual([0, 1000]);
    clock = 2999;
    await publisher.drain(50);
    expect(attempts).toHaveLength(2);
    clock = 3000;
    expect(await publisher.drain(1000)).toBe(true);
    expect(attempts).toEqual([0, 1000, 3000]);
    expect(sent.flat().map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    publisher.stop();
  });
});
