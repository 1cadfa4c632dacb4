import { decode, ResultsAck } from '@sightline/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createAckPublisher, rangesOf, seqsOf } from './acks.ts';

const log = pino({ level: 'silent' });
const A = { site: 'plant-a', line: 'line-1', agent: 'cam-1' };
const B = { site: 'plant-a', line: 'line-1', agent: 'cam-2' };

describe('ack publisher', () => {
  it('sends one message per agent per flush, with the stored intervals covering every span noted', async () => {
    const sent: Array<[string, ResultsAck]> = [];
    const asked: Array<[string, number, number]> = [];
    const acks = createAckPublisher({
      storedRanges: (ref, lo, hi) => {
        asked.push([ref.agent, lo, hi]);
        return ref.agent === 'cam-1' ? [[0, 120]] : [[7, 7]];
      },
      publish: async (topic, payload) => {
        const d = decode(ResultsAck, payload);
        if (d.ok) sent.push([topic, d.value]);
      },
      log,
      delayMs: 60_000, // flushed by hand below
      now: () => 5,
    });
    acks.stored(A, 50, 99);
    acks.stored(A, 100, 120);
    acks.stored(A, 10, 20);
    acks.stored(B, 7, 7);
    acks.rejected(B, [12, 11, 13, 40]);
    await acks.flush();
    expect(asked).toEqual([
      ['cam-1', 10, 120],
      ['cam-2', 7, 7],
    ]);
    expect(sent).toEqual([
      ['sl/v1/plant-a/line-1/cam-1/ack', { ts: 5, stored: [[0, 120]] }],
      [
        'sl/v1/plant-a/line-1/cam-2/ack',
        {
          ts: 5,
          stored: [[7, 7]],
          rejected: [
            [11, 13],
            [40, 40],
          ],
        },
      ],
    ]);
    expect(acks.counts).toEqual({ messages: 2, failures: 0 });
    await acks.flush();
    expect(sent).toHaveLength(2); // nothing new, nothing sent
  });

  it('splits more ranges than one message holds, and counts what it could not publish', async () => {
    const sizes: number[] = [];
    let fail = false;
    const acks = createAckPublisher({
      storedRanges: () => Array.from({ length: 300 }, (_, i) => [i * 10, i * 10 + 5] as [number, number]),
      publish: async (_topic, payload) => {
        if (fail) throw new Error('offline');
        sizes.push(JSON.parse(payload).stored.length);
      },
      log,
      delayMs: 1,
    });
    acks.stored(A, 0, 3000);
    await new Promise((r) => setTimeout(r, 50));
    expect(sizes).toEqual([256, 44]);
    fail = true;
    acks.stored(A, 0, 1);
    await acks.flush();
    expect(acks.counts).toEqual({ messages: 2, failures: 2 });
  });
});

describe('seq helpers', () => {
  it('turns seqs into inclusive ranges', () => {
    expect(rangesOf([9, 3, 4, 5, 5])).toEqual([
      [3, 5],
      [9, 9],
    ]);
    expect(rangesOf([])).toEqual([]);
  });
  it('reads the seqs of a refused results payload when it can, and nothing when it cannot', () => {
    const payload = (v: unknown) => Buffer.from(JSON.stringify(v));
    expect(
      seqsOf(payload({ session: 's', results: [{ seq: 4 }, { seq: 'x' }, { seq: -1 }, null, { seq: 6 }] })),
    ).toEqual([4, 6]);
    expect(seqsOf(Buffer.from('not json'))).toEqual([]);
    expect(seqsOf(payload({ results: 3 }))).toEqual([]);
  });
});
