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

    it('returns an empty batch when nothing waits', async () => {
      const box = await make();
      expect(await box.take(10)).toEqual([]);
      expect(box.depth()).toBe(0);
      expect(box.dropped()).toBe(0);
      await box.close();
    });
  });
}
