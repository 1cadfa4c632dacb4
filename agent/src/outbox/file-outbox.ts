import { type FileHandle, mkdir, open, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InspectionResultInput } from '@sightline/protocol';
import { AgentError } from '../errors.ts';
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
  recovered: boolean;
}

const segName = (n: number) => `seg-${String(n).padStart(10, '0')}.log`;

/**
 * Durable outbox: results are appended to segment files (length + CRC-32 framed JSON) and leave
 * only when acknowledged; the ack watermark is persisted, so a restart resends what was not acked
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

  // Index of live entries, kept sorted by seq; `head` skips removed ones at the front.
  let pending: Entry[] = [];
  let head = 0;
  const inflight = new Map<number, Entry>();
  // Recently appended results, so the live path never reads the disk. Bounded: during a long outage
  // the backlog stays on disk and is read back in batches.
  const cache = new Map<number, InspectionResultInput>();
  const cacheLimit = opts.cacheEntries ?? 4096;
  const segMaxSeq = new Map<number, number>();
  let liveBytes = 0;
  let droppedCount = 0;

  // Recover what a previous run left.
  const files = (await readdir(dir)).filter((f) => /^seg-\d{10}\.log$/.test(f)).sort();
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
      pending.push({
        seq: result.seq,
        seg: n,
        offset: r.offset,
        length: r.length,
        ts: result.ts,
        recovered: true,
      });
      segMaxSeq.set(n, Math.max(segMaxSeq.get(n) ?? -1, result.seq));
      liveBytes += r.length;
    }
  }
  pending.sort((a, b) => a.seq - b.seq);

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

  const insertSorted = (e: Entry) => {
    let i = pending.length;
    while (i > head && (pending[i - 1]?.seq ?? -1) > e.seq) i -= 1;
    pending.splice(i, 0, e);
  };
  const compact = () => {
    if (head > 1024 && head > pending.length / 2) {
      pending = pending.slice(head);
      head = 0;
    }
  };
  const forget = (e: Entry) => {
    liveBytes -= e.length;
    cache.delete(e.seq);
  };
  const advanceWatermark = async () => {
    let low = pending[head]?.seq ?? Number.POSITIVE_INFINITY;
    for (const seq of inflight.keys()) low = Math.min(low, seq);
    if (low === Number.POSITIVE_INFINITY) low = Math.max(watermark.value, ...segMaxSeq.values()) + 1;
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
    for (let e = pending[head]; e && (liveBytes > maxBytes || e.ts < cutoff); e = pending[head]) {
      if (liveBytes > maxBytes) bytes += 1;
      else age += 1;
      forget(e);
      head += 1;
    }
    droppedCount += bytes + age;
    if (bytes) opts.onDrop?.(bytes, 'bytes');
    if (age) opts.onDrop?.(age, 'age');
    if (bytes || age) await advanceWatermark();
    compact();
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

  return {
    async append(result) {
      const buf = encodeRecord(Buffer.from(JSON.stringify(result)));
      const entry: Entry = {
        seq: result.seq,
        seg: segNo,
        offset: 0,
        length: buf.length,
        ts: result.ts,
        recovered: false,
      };
      const written = new Promise<void>((resolve, reject) => {
        queue.push({ buf, entry, done: (err) => (err ? reject(err) : resolve()) });
      });
      flushing ??= flush();
      await written;
      insertSorted(entry);
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
      const batch = pending.slice(head, head + max);
      head += batch.length;
      compact();
      for (const e of batch) inflight.set(e.seq, e);
      return Promise.all(
        batch.map(async (e): Promise<OutboxEntry> => {
          const cached = cache.get(e.seq);
          const result = cached ?? { ...(await read(e)), ...(e.recovered ? { replayed: true } : {}) };
          return { seq: e.seq, result };
        }),
      );
    },
    async ack(entries) {
      for (const { seq } of entries) {
        const e = inflight.get(seq);
        if (!e) continue;
        inflight.delete(seq);
        forget(e);
      }
      await advanceWatermark();
    },
    release(entries) {
      for (const { seq } of entries) {
        const e = inflight.get(seq);
        if (!e) continue;
        inflight.delete(seq);
        insertSorted(e);
      }
    },
    depth: () => pending.length - head + inflight.size,
    dropped: () => droppedCount,
    async close() {
      if (syncTimer) clearInterval(syncTimer);
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
