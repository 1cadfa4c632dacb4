import type { InspectionResultInput } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { createMemoryOutbox } from './memory-outbox.ts';

const result = (seq: number): InspectionResultInput => ({
  seq,
  ts: 1,
  frame: `f${seq}`,
  model: { id: 'm', version: '1' },
  verdict: 'ok',
  score: 0.1,
  threshold: 0.5,
  latency: { capture: 0, preprocess: 0, infer: 0, total: 0 },
});

describe('memory outbox', () => {
  it('hands out oldest first, keeps in-flight entries until acked, and re-sends released ones', async () => {
    const box = createMemoryOutbox();
    for (let i = 0; i < 5; i++) await box.append(result(i));
    const a = box.take(2);
    expect(a.map((e) => e.seq)).toEqual([0, 1]);
    const b = box.take(2);
    expect(b.map((e) => e.seq)).toEqual([2, 3]);
    expect(box.depth()).toBe(5);
    await box.ack(b);
    box.release(a);
    expect(box.depth()).toBe(3);
    expect(box.take(10).map((e) => e.seq)).toEqual([0, 1, 4]);
  });

  it('drops the oldest pending entries beyond its cap and counts them', async () => {
    const box = createMemoryOutbox({ maxEntries: 3 });
    for (let i = 0; i < 5; i++) await box.append(result(i));
    expect(box.dropped()).toBe(2);
    expect(box.take(10).map((e) => e.seq)).toEqual([2, 3, 4]);
  });
});
