import { describe, expect, it } from 'vitest';
import { result } from './fixtures.ts';
import { createMemoryOutbox } from './memory-outbox.ts';

describe('memory outbox', () => {
  it('drops the oldest pending entries beyond its cap and counts them', async () => {
    const box = createMemoryOutbox({ maxEntries: 3 });
    for (let i = 0; i < 5; i++) await box.append(result(i));
    expect(box.dropped()).toBe(2);
    expect((await box.take(10)).map((e) => e.seq)).toEqual([2, 3, 4]);
  });
});
