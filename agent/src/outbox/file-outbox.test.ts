import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileOutbox } from './file-outbox.ts';
import { result } from './fixtures.ts';
import { readOutbox } from './inspect.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sl-outbox-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('file outbox', () => {
  it('after a restart, resends exactly what was not acknowledged, marked replayed', async () => {
    const a = await createFileOutbox({ dir });
    for (let i = 0; i < 10; i++) await a.append(result(i));
    await a.ack(await a.take(4)); // 0-3 acknowledged
    await a.take(2); // 4-5 in flight when the process "dies"
    await a.close();

    const b = await createFileOutbox({ dir });
    expect(b.depth()).toBe(6);
    const again = await b.take(100);
    expect(again.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(again.every((e) => e.result.replayed === true)).toBe(true);
    expect(again[2]?.result).toMatchObject({ frame: 'f6', verdict: 'ok', score: 0.6 });
    await b.ack(again);
    await b.close();
    const c = await createFileOutbox({ dir });
    expect(c.depth()).toBe(0);
    await c.close();
  });

  it('after a restart, resends what the broker acknowledged but the hub never confirmed', async () => {
    const a = await createFileOutbox({ dir });
    for (let i = 0; i < 6; i++) await a.append(result(i));
    a.sent(await a.take(6), 1);
    await a.confirm([[0, 2]]);
    await a.close();

    const b = await createFileOutbox({ dir });
    expect((await b.take(10)).map((e) => [e.seq, e.result.replayed])).toEqual([
      [3, true],
      [4, true],
      [5, true],
    ]);
    await b.close();
  });

  it('cuts off a torn last write and keeps every whole record', async () => {
    const a = await createFileOutbox({ dir });
    for (let i = 0; i < 3; i++) await a.append(result(i));
    await a.close();
    const outbox = join(dir, 'outbox');
    const seg =
      (await readdir(outbox))
        .filter((f) => f.startsWith('seg-'))
        .sort()
        .at(-1) ?? '';
    // Power lost mid-write: a header promising 500 bytes, and only a few of them.
    const torn = Buffer.alloc(20);
    torn.writeUInt32LE(500, 0);
    await appendFile(join(outbox, seg), torn);
    const b = await createFileOutbox({ dir });
    expect((await b.take(10)).map((e) => e.seq)).toEqual([0, 1, 2]);
    await b.append(result(3));
    expect((await b.take(10)).map((e) => e.seq)).toEqual([3]);
    await b.close();
  });

  it('drops the oldest results beyond its quota, counts them and says so', async () => {
    const drops: [number, string][] = [];
    const one = 8 + Buffer.byteLength(JSON.stringify(result(0)));
    const box = await createFileOutbox({
      dir,
      maxBytes: one * 5 + 10,
      onDrop: (n, why) => drops.push([n, why]),
    });
    for (let i = 0; i < 8; i++) await box.append(result(i));
    expect(box.dropped()).toBe(3);
    expect(drops).toEqual([
      [1, 'bytes'],
      [1, 'bytes'],
      [1, 'bytes'],
    ]);
    expect((await box.take(100)).map((e) => e.seq)).toEqual([3, 4, 5, 6, 7]);
    await box.close();
  });

  it('drops the oldest held results over its quota even while they await the hub, and trims past them', async () => {
    const one = 8 + Buffer.byteLength(JSON.stringify(result(0)));
    const box = await createFileOutbox({ dir, maxBytes: one * 4 + 10 });
    for (let i = 0; i < 4; i++) await box.append(result(i));
    box.sent(await box.take(2), 1); // 0-1 await the hub (which may never confirm them)
    await box.take(1); // 2 in flight
    for (let i = 4; i < 7; i++) await box.append(result(i));
    expect(box.dropped()).toBe(3); // 0, 1 and 2: the oldest, whatever their state
    expect({ depth: box.depth(), unconfirmed: box.unconfirmed() }).toEqual({ depth: 4, unconfirmed: 0 });
    box.sent([{ seq: 2, result: result(2) }], 2); // its PUBACK comes after it was dropped: nothing to keep
    expect((await box.take(10)).map((e) => e.seq)).toEqual([3, 4, 5, 6]);
    await box.close();
    expect((await readOutbox(dir)).watermark).toBe(3);
  });

  it('drops results older than maxAge', async () => {
    let clock = Date.now();
    const box = await createFileOutbox({ dir, maxAgeMs: 1000, now: () => clock });
    await box.append(result(0, clock - 5000));
    await box.append(result(1, clock));
    clock += 500;
    await box.append(result(2, clock));
    expect(box.dropped()).toBe(1);
    expect((await box.take(10)).map((e) => e.seq)).toEqual([1, 2]);
    await box.close();
  });

  it('serves a backlog larger than its memory cache from disk, in order', async () => {
    const box = await createFileOutbox({ dir, cacheEntries: 10 });
    for (let i = 0; i < 100; i++) await box.append(result(i));
    const got = await box.take(100);
    expect(got.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(got[3]?.result).toMatchObject({ seq: 3, frame: 'f3', score: 0.3 });
    await box.close();
  });

  it('puts results back in line when they cannot be read, rather than leave them in flight', async () => {
    const box = await createFileOutbox({ dir, cacheEntries: 1, segmentBytes: 1000 });
    for (let i = 0; i < 40; i++) await box.append(result(i));
    const segments = (await readdir(join(dir, 'outbox'))).filter((f) => f.startsWith('seg-')).sort();
    await rm(join(dir, 'outbox', segments[0] as string)); // a disk that lost a file: the oldest unreadable
    await expect(box.take(40)).rejects.toThrow();
    // Nothing was sent: all 40 wait to be sent again, none in flight for a PUBACK that will never come.
    expect(box.pending()).toBe(40);
    expect(box.depth()).toBe(40);
    await box.close();
  });

  it('deletes segments once everything in them is acknowledged', async () => {
    const box = await createFileOutbox({ dir, segmentBytes: 1000 });
    for (let i = 0; i < 40; i++) await box.append(result(i));
    const before = (await readdir(join(dir, 'outbox'))).filter((f) => f.startsWith('seg-')).length;
    expect(before).toBeGreaterThan(3);
    await box.ack(await box.take(40));
    const after = (await readdir(join(dir, 'outbox'))).filter((f) => f.startsWith('seg-')).length;
    expect(after).toBe(1);
    await box.close();
  });
});
