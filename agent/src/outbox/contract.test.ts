import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileOutbox } from './file-outbox.ts';
import { result } from './fixtures.ts';
import { createMemoryOutbox } from './memory-outbox.ts';
import type { Outbox } from './outbox.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Every Outbox implementation must pass this suite. */
const implementations: Record<string, () => Promise<Outbox>> = {
  memory: async () => createMemoryOutbox(),
  file: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sl-outbox-'));
    dirs.push(dir);
    return createFileOutbox({ dir, fsync: 'always' });
  },
};

for (const [name, make] of Object.entries(implementations)) {
  describe(`Outbox contract: ${name}`, () => {
    it('hands out oldest first and keeps entries until acked', async () => {
      const box = await make();
      for (let i = 0; i < 5; i++) await box.append(result(i));
      const a = await box.take(2);
      expect(a.map((e) => e.seq)).toEqual([0, 1]);
      expect(a[0]?.result).toMatchObject({ seq: 0, frame: 'f0', score: 0 });
      const b = await box.take(2);
      expect(b.map((e) => e.seq)).toEqual([2, 3]);
      expect(box.depth()).toBe(5);
      await box.ack(b);
      expect(box.depth()).toBe(3);
      await box.close();
    });

    it('re-sends released entries before newer ones', async () => {
      const box = await make();
      for (let i = 0; i < 4; i++) await box.append(result(i));
      const a = await box.take(2);
      box.release(a);
      expect((await box.take(10)).map((e) => e.seq)).toEqual([0, 1, 2, 3]);
      await box.close();
    });

    it('keeps entries the broker acknowledged until the hub confirms them, in whatever state', async () => {
      const box = await make();
      for (let i = 0; i < 8; i++) await box.append(result(i));
      const a = await box.take(3);
      box.sent(a, 100);
      const b = await box.take(2); // 3-4 in flight
      expect({ depth: box.depth(), pending: box.pending(), unconfirmed: box.unconfirmed() }).toEqual({
        depth: 8,
        pending: 3,
        unconfirmed: 3,
      });
      // The hub holds 0-1, 4 (overtaking its PUBACK) and 6 (never sent yet); ranges in any order.
      expect(
        await box.confirm([
          [6, 6],
          [0, 1],
          [4, 4],
          [50, 60],
        ]),
      ).toBe(4);
      box.sent(b, 200); // 4's PUBACK comes after its confirmation: nothing to do for it
      expect({ depth: box.depth(), pending: box.pending(), unconfirmed: box.unconfirmed() }).toEqual({
        depth: 4,
        pending: 2,
        unconfirmed: 2,
      });
      expect((await box.take(10)).map((e) => e.seq)).toEqual([5, 7]);
      await box.close();
    });

    it('sends again what the hub did not confirm in time, marked replayed, before newer entries', async () => {
      const box = await make();
      for (let i = 0; i < 6; i++) await box.append(result(i));
      box.sent(await box.take(2), 100); // 0-1
      box.sent(await box.take(2), 500); // 2-3
      expect(box.requeue(300)).toBe(2);
      const again = await box.take(10);
      expect(again.map((e) => [e.seq, e.result.replayed === true])).toEqual([
        [0, true],
        [1, true],
        [4, false],
        [5, false],
      ]);
      expect(box.requeue(Number.POSITIVE_INFINITY)).toBe(2);
      expect(box.pending()).toBe(2);
      await box.close();
    });

    it('returns an empty batch when nothing waits', async () => {
      const box = await make();
      expect(await box.take(10)).toEqual([]);
      expect(box.depth()).toBe(0);
      expect(box.dropped()).toBe(0);
      await box.close();
    });
  });
}
