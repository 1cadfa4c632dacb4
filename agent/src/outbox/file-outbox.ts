import { type FileHandle, mkdir, open, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InspectionResultInput } from '@sightline/protocol';
import { AgentError } from '../errors.ts';
import { createEntryIndex } from './entries.ts';
import type { Outbox, OutboxEntry } from './outbox.ts';
import { encodeRecord, scanRecords } from './record-log.ts';
import { createWatermark } from './watermark.ts';

export type FsyncPolicy = 'always' | 'interval' | 'never';

export interface FileOutboxOptions {
  dir: string;
  /** always: every append is on disk before it resolves (group commit); interval: fsync every fsyncIntervalMs; never: leave it to the OS. */
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
  /** Live results kept at most, in bytes; beyond it the oldest are dropped and counted. */
  maxBytes?: number;
  /** Results older than this are dropped and counted. */
  maxAgeMs?: number;
  segmentBytes?: number;
  /** Told when the watermark could not be written after a confirmation (the entries are resent after a restart). */
  onWatermarkError?: (err: Error) => void;
  /** Told about every drop, so the agent can raise an event. */
  onDrop?: (count: number, reason: 'bytes' | 'age' | 'corrupt') => void;
  /** Results kept in memory for the live path; older unsent ones are read back from disk. */
  cacheEntries?: number;
  now?: () => number;
}

interface Entry {
  seq: number;
  seg: number;
  offset: number;
  length: number;
  ts: number;
  /** Recovered after a restart, or sent again: goes out marked `replayed`. */
  replay: boolean;
}

const segName = (n: number) => `seg-${String(n).padStart(10, '0')}.log`;

/**
 * Durable outbox: results are appended to segment files (length + CRC-32 framed JSON) and leave
 * only when acknowledged (by the hub end to end, or by the broker for a hub without acks); the
 * watermark (every seq below it is gone) is persisted, so a restart resends what was not acked
 * (the hub's idempotent insert makes that exactly-once). A torn last write is cut off on open.
 */
export async function createFileOutbox(opts: FileOutboxOptions): Promise<Outbox> {
  const dir = join(opts.dir, 'outbox');
  const policy = opts.fsync ?? 'always';
  const maxBytes = opts.maxBytes ?? 256 * 2 ** 20;
  const maxAgeMs = opts.maxAgeMs ?? 7 * 24 * 3600 * 1000;
  const segmentBytes = opts.segmentBytes ?? 8 * 2 ** 20;
  const now = opts.now ?? Date.now;
  try {
    await mkdir(dir, { recursive: true });
  } catch (cause) {
    throw new AgentError(
      'SL_STATE_DIR',
      `cannot create outbox directory ${dir}: ${(cause as Error).message}`,
      { cause },
    );
  }
  const watermark = await createWatermark(join(dir, 'acked'));

  // Where each live entry is (pending, in flight, awaiting the hub): entries.ts.
  const index = createEntryIndex<Entry>();
  // Recently appended results, so the live path never reads the disk. Bounded: during a long outage
  // the backlog stays on disk and is read back in batches.
  const cache = new Map<number, InspectionResultInput>();
  const cacheLimit = opts.cacheEntries ?? 4096;
  const segMaxSeq = new Map<number, number>();
  let liveBytes = 0;
  let droppedCount = 0;

  // Recover what a previous run left.
  const files = (await readdir(dir)).filter((f) => /^seg-\d{10}\.log$/.test(f)).sort();
  const recovered: Entry[] = [];
  let segNo = 0;
  for (const [i, file] of files.entries()) {
    const n = Number(file.slice(4, 14));
    segNo = Math.max(segNo, n);
    const buf = await readFile(join(dir, file));
    const { records, validBytes } = scanRecords(buf);
    if (validBytes < buf.length) {
      // A torn tail is the normal trace of a crash mid-write; earlier damage loses the rest of a segment.
      if (i === files.length - 1) await truncate(join(dir, file), validBytes);
      else opts.onDrop?.(1, 'corrupt');
    }
    for (const r of records) {
      const result = JSON.parse(r.payload.toString('utf8')) as InspectionResultInput;
      if (result.seq < watermark.value) continue;
      recovered.push({
        seq: result.seq,
        seg: n,
        offset: r.offset,
        length: r.length,
        ts: result.ts,
        replay: true,
      });
      segMaxSeq.set(n, Math.max(segMaxSeq.get(n) ?? -1, result.seq));
      liveBytes += r.length;
    }
  }
  for (const e of recovered.sort((a, b) => a.seq - b.seq)) index.add(e);

  segNo += 1;
  let segment: FileHandle = await open(join(dir, segName(segNo)), 'a+');
  let segSize = 0;

  // Group commit: appends queue up; one write (+ one fsync) takes everything queued.
  let queue: { buf: Buffer; entry: Entry; done: (err?: Error) => void }[] = [];
  let flushing: Promise<void> | undefined;
  let dirty = false;
  const flush = async () => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        if (segSize >= segmentBytes) {
          await segment.close();
          segNo += 1;
          segment = await open(join(dir, segName(segNo)), 'a+');
          segSize = 0;
        }
        for (const item of batch) {
          item.entry.seg = segNo;
          item.entry.offset = segSize;
          segSize += item.buf.length;
        }
        await segment.write(Buffer.concat(batch.map((b) => b.buf)));
        if (policy === 'always') await segment.datasync();
        else dirty = true;
        for (const item of batch) item.done();
      } catch (err) {
        for (const item of batch) item.done(err as Error);
      }
    }
    flushing = undefined;
  };
  const syncTimer =
    policy === 'interval'
      ? setInterval(() => {
          if (dirty) {
            dirty = false;
            segment.datasync().catch(() => undefined);
          }
        }, opts.fsyncIntervalMs ?? 200)
      : undefined;

  const forget = (gone: readonly Entry[]) => {
    for (const e of gone) {
      liveBytes -= e.length;
      cache.delete(e.seq);
    }
  };
  const advanceWatermark = async () => {
    const low = index.lowest() ?? Math.max(watermark.value, ...segMaxSeq.values()) + 1;
    if (low <= watermark.value) return;
    await watermark.set(low, policy === 'always');
    for (const [n, max] of segMaxSeq) {
      if (n !== segNo && max < low) {
        segMaxSeq.delete(n);
        await rm(join(dir, segName(n)), { force: true });
      }
    }
  };
  const dropOldest = async () => {
    let bytes = 0;
    let age = 0;
    const cutoff = now() - maxAgeMs;
    // Only entries not yet sent are dropped; those awaiting the hub are few and seconds old (see publisher).
    const gone = index.dropWhile((e) => {
      if (liveBytes <= maxBytes && e.ts >= cutoff) return false;
      if (liveBytes > maxBytes) bytes += 1;
      else age += 1;
      liveBytes -= e.length;
      cache.delete(e.seq);
      return true;
    });
    droppedCount += gone.length;
    if (bytes) opts.onDrop?.(bytes, 'bytes');
    if (age) opts.onDrop?.(age, 'age');
    if (gone.length > 0) await advanceWatermark();
  };
  const read = async (e: Entry): Promise<InspectionResultInput> => {
    const fh = e.seg === segNo ? segment : await open(join(dir, segName(e.seg)), 'r');
    try {
      const buf = Buffer.alloc(e.length);
      await fh.read(buf, 0, e.length, e.offset);
      const { records } = scanRecords(buf);
      if (!records[0]) throw new Error(`outbox record seq ${e.seq} in ${segName(e.seg)} is unreadable`);
      return JSON.parse(records[0].payload.toString('utf8')) as InspectionResultInput;
    } finally {
      if (fh !== segment) await fh.close();
    }
  };

  const seqs = (entries: readonly { seq: number }[]) => entries.map((e) => e.seq);
  let moving: Promise<void> = Promise.resolve();

  return {
    async append(result) {
      const buf = encodeRecord(Buffer.from(JSON.stringify(result)));
      const entry: Entry = {
        seq: result.seq,
        seg: segNo,
        offset: 0,
        length: buf.length,
        ts: result.ts,
        replay: false,
      };
      const written = new Promise<void>((resolve, reject) => {
        queue.push({ buf, entry, done: (err) => (err ? reject(err) : resolve()) });
      });
      flushing ??= flush();
      await written;
      index.add(entry);
      segMaxSeq.set(entry.seg, Math.max(segMaxSeq.get(entry.seg) ?? -1, entry.seq));
      cache.set(entry.seq, result);
      if (cache.size > cacheLimit) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      liveBytes += entry.length;
      await dropOldest();
    },
    async take(max) {
      const taken = index.take(max);
      try {
        return await Promise.all(
          taken.map(async (e): Promise<OutboxEntry> => {
            const result = cache.get(e.seq) ?? (await read(e));
            return { seq: e.seq, result: e.replay ? { ...result, replayed: true } : result };
          }),
        );
      } catch (err) {
        // Not sent: back in line, or they would wait in flight for a PUBACK that never comes.
        index.release(seqs(taken));
        throw err;
      }
    },
    async ack(entries) {
      forget(index.settle(seqs(entries)));
      await advanceWatermark();
    },
    sent: (entries, at) => index.sent(seqs(entries), at),
    confirm(ranges) {
      const gone = index.confirm(ranges);
      forget(gone);
      if (gone.length > 0) {
        // In the background, one after another: a crash before it lands only means a few resends.
        moving = moving.then(advanceWatermark).catch((err: Error) => opts.onWatermarkError?.(err));
      }
      return gone.length;
    },
    requeue: (before) => index.requeue(before),
    release: (entries) => index.release(seqs(entries)),
    pending: () => index.pending(),
    unconfirmed: () => index.unconfirmed(),
    depth: () => index.size(),
    dropped: () => droppedCount,
    async close() {
      if (syncTimer) clearInterval(syncTimer);
      await moving;
      await flushing;
      if (policy !== 'never') await segment.datasync().catch(() => undefined);
      await segment.close();
      await watermark.close();
    },
  };
}

/** Writes nothing but proves the directory is writable, for `doctor`. */
export async function probeOutboxDir(dir: string): Promise<void> {
  const probe = join(dir, '.probe');
  await mkdir(dir, { recursive: true });
  await writeFile(probe, 'ok');
  await rm(probe);
}
