import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { result } from '../outbox/fixtures.ts';
import { createMemoryOutbox } from '../outbox/memory-outbox.ts';
import type { OutboxEntry } from '../outbox/outbox.ts';
import { createBackoff } from './backoff.ts';
import { createPublisher } from './publisher.ts';

/** A session stand-in that acknowledges every batch at once (the MQTT path: publish-session.test.ts). */
function acceptingSession(sent: OutboxEntry[][]) {
  return {
    ready: true,
    hubConfirms: false,
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
        hubConfirms: false,
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

describe('publisher with a hub that confirms (end-to-end acks)', () => {
  function setup(opts: { maxUnconfirmed?: number } = {}) {
    const outbox = createMemoryOutbox();
    const sent: OutboxEntry[][] = [];
    const session = { ...acceptingSession(sent), hubConfirms: true };
    let clock = 0;
    const publisher = createPublisher({
      outbox,
      session,
      batchSize: 5,
      batchMs: 60_000,
      confirmTimeoutMs: 10_000,
      ...opts,
      now: () => clock,
      log: pino({ level: 'silent' }),
    });
    return { outbox, sent, session, publisher, tick: (ms: number) => (clock += ms) };
  }

  it('keeps results after PUBACK until the hub confirms their seqs, and drops what it refused', async () => {
    const { outbox, sent, publisher } = setup();
    for (let i = 0; i < 10; i++) await outbox.append(result(i));
    expect(await publisher.drain(100)).toBe(false); // sent, but nobody confirmed
    expect(sent.flat()).toHaveLength(10);
    expect({
      depth: outbox.depth(),
      unconfirmed: outbox.unconfirmed(),
      published: publisher.published(),
    }).toEqual({
      depth: 10,
      unconfirmed: 10,
      published: 0,
    });
    await publisher.confirm({ ts: 1, stored: [[0, 6]], rejected: [[7, 7]] });
    expect({
      depth: outbox.depth(),
      published: publisher.published(),
      rejected: publisher.rejected(),
    }).toEqual({
      depth: 2,
      published: 7,
      rejected: 1,
    });
    await publisher.confirm({ ts: 2, stored: [[0, 9]] });
    expect(await publisher.drain(100)).toBe(true);
    expect(publisher.published()).toBe(9);
    publisher.stop();
  });

  it('sends again, marked replayed, what stays unconfirmed past the timeout, and everything on resend()', async () => {
    const { outbox, sent, publisher, tick } = setup();
    for (let i = 0; i < 5; i++) await outbox.append(result(i));
    await publisher.drain(50);
    expect(sent).toHaveLength(1);
    tick(9_000);
    await publisher.drain(50);
    expect(sent).toHaveLength(1); // not yet due
    tick(2_000);
    await publisher.drain(50);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.map((e) => [e.seq, e.result.replayed])).toEqual([
      [0, true],
      [1, true],
      [2, true],
      [3, true],
      [4, true],
    ]);
    publisher.resend(); // reconnected: no waiting for the timeout
    await publisher.drain(50);
    expect(sent).toHaveLength(3);
    await publisher.confirm({ ts: 1, stored: [[0, 4]] });
    expect(outbox.depth()).toBe(0);
    publisher.stop();
  });

  it('pauses at maxUnconfirmed until acks make room', async () => {
    const { outbox, sent, publisher } = setup({ maxUnconfirmed: 10 });
    for (let i = 0; i < 30; i++) await outbox.append(result(i));
    await publisher.drain(50);
    expect(sent.flat()).toHaveLength(10);
    await publisher.confirm({ ts: 1, stored: [[0, 9]] });
    await publisher.drain(50);
    expect(sent.flat().map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    publisher.stop();
  });

  it('falls back to PUBACK trimming when the hub stops confirming (an older hub took over)', async () => {
    const { outbox, session, publisher, tick } = setup();
    for (let i = 0; i < 5; i++) await outbox.append(result(i));
    await publisher.drain(50);
    expect(outbox.unconfirmed()).toBe(5);
    session.hubConfirms = false;
    tick(1_000);
    expect(await publisher.drain(100)).toBe(true); // sent again, and this time the PUBACK is final
    expect(publisher.published()).toBe(5);
    publisher.stop();
  });
});

describe('publisher and the wall clock', () => {
  it('keeps publishing replays and meets its drain deadline when the wall clock steps back an hour', async () => {
    const outbox = createMemoryOutbox();
    for (let i = 0; i < 200; i++) await outbox.append({ ...result(i), replayed: true });
    const sent: OutboxEntry[][] = [];
    const publisher = createPublisher({
      outbox,
      session: acceptingSession(sent),
      batchSize: 50,
      batchMs: 10,
      replayPerSecond: 100_000,
      log: pino({ level: 'silent' }),
    });
    const real = Date.now();
    const step = vi.spyOn(Date, 'now').mockImplementation(() => real - 3_600_000);
    try {
      expect(await publisher.drain(30_000)).toBe(true);
      expect(publisher.published()).toBe(200);
      publisher.stop();
      // An outbox that cannot drain (no broker) still ends at its deadline, not an hour later.
      await outbox.append(result(500));
      const unready = createPublisher({
        outbox,
        session: { ...acceptingSession(sent), ready: false },
        batchSize: 50,
        batchMs: 10,
        log: pino({ level: 'silent' }),
      });
      const started = performance.now();
      expect(await unready.drain(200)).toBe(false);
      expect(performance.now() - started).toBeLessThan(30_000);
      unready.stop();
    } finally {
      step.mockRestore();
      publisher.stop();
    }
  });
});
