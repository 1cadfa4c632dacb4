import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describeIssues, encode, issuesOf, SAMPLE_CHUNK_BYTES, SampleMeta } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { UploadQueue } from '../samples/upload-queue.ts';
import type { Session } from '../session/index.ts';
import { type Backoff, createBackoff } from './backoff.ts';

export interface SampleUploaderOptions {
  queue: UploadQueue;
  /** The samples dir the queue's file names are relative to. */
  dir: string;
  /** Uploads run while the session is ready, and start again whenever it becomes ready. */
  session: Pick<Session, 'ready' | 'publishSamplePart' | 'onStateChange'>;
  /** Sample bytes sent per second at most, so images never crowd out results on a thin link. */
  bytesPerSecond: number;
  /** Chunks awaiting PUBACK at once. */
  window?: number;
  backoff?: Backoff;
  log: Logger;
}

export interface SampleUploadCounts {
  uploaded: number;
  bytes: number;
  /** Given up: the file was gone (quota) or no longer matched its hash. */
  skipped: number;
  /** Attempts that failed and will be retried. */
  retries: number;
}

export interface SampleUploader {
  /** Starts sending if idle (a sample was queued, or the session became ready). */
  kick(): void;
  counts(): SampleUploadCounts;
  /** Sends what is queued; resolves true when the queue is empty, false on timeout. */
  drain(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Publishes queued samples: `samples/{sha256}/meta` (SampleMeta JSON), then chunks 0..n-1 of raw bytes,
 * all QoS 1, paced to `bytesPerSecond`. A sample leaves the queue only when every part is acknowledged;
 * after a failure or an outage it is sent again from its meta (the hub keeps one copy per sha256).
 */
export function createSampleUploader(opts: SampleUploaderOptions): SampleUploader {
  const { queue, session, log } = opts;
  const window = opts.window ?? 4;
  const backoff = opts.backoff ?? createBackoff({ initialMs: 1000, maxMs: 60_000 });
  const counts: SampleUploadCounts = { uploaded: 0, bytes: 0, skipped: 0, retries: 0 };
  // Token bucket in bytes, holding at most one second's worth (and at least one chunk).
  const capacity = Math.max(opts.bytesPerSecond, SAMPLE_CHUNK_BYTES);
  let tokens = capacity;
  let refilled = performance.now();
  let running: Promise<void> | undefined;
  let stopped = false;
  const stopping = new AbortController();

  const spend = async (bytes: number) => {
    for (;;) {
      const t = performance.now();
      tokens = Math.min(capacity, tokens + ((t - refilled) / 1000) * opts.bytesPerSecond);
      refilled = t;
      if (tokens >= bytes) break;
      await delay(((bytes - tokens) / opts.bytesPerSecond) * 1000, undefined, { signal: stopping.signal });
    }
    tokens -= bytes;
  };

  const send = async (meta: SampleMeta, bytes: Uint8Array) => {
    await spend(Buffer.byteLength(JSON.stringify(meta)));
    await session.publishSamplePart(meta.sha256, 'meta', encode(SampleMeta, meta));
    const inflight = new Set<Promise<void>>();
    for (let i = 0; i < meta.chunks; i++) {
      const chunk = bytes.subarray(i * SAMPLE_CHUNK_BYTES, (i + 1) * SAMPLE_CHUNK_BYTES);
      await spend(chunk.byteLength);
      if (!session.ready || stopped) throw new Error('session not ready');
      const p = session.publishSamplePart(meta.sha256, i, chunk);
      inflight.add(p);
      void p.then(
        () => inflight.delete(p),
        () => inflight.delete(p),
      );
      while (inflight.size >= window) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  };

  const uploadOne = async (): Promise<boolean> => {
    const entry = queue.peek();
    if (!entry) return false;
    const { meta } = entry;
    // A meta the wire refuses would be refused on every retry and hold up every sample queued behind it.
    const checked = SampleMeta.safeParse(meta);
    if (!checked.success) {
      counts.skipped += 1;
      log.error(
        {
          event: 'sample_skipped',
          file: entry.file,
          sha256: meta.sha256,
          err: describeIssues(issuesOf(checked.error)),
        },
        'sample description is not valid for the hub; not sent (the image stays on disk)',
      );
      await queue.done(meta.sha256);
      return true;
    }
    const bytes = await readFile(join(opts.dir, entry.file)).catch(() => undefined);
    const sha = bytes && createHash('sha256').update(bytes).digest('hex');
    if (!bytes || sha !== meta.sha256 || bytes.byteLength !== meta.bytes) {
      counts.skipped += 1;
      log.warn(
        { event: 'sample_skipped', file: entry.file, sha256: meta.sha256 },
        bytes
          ? 'sample file no longer matches its hash; not sent'
          : 'sample file is gone (disk quota); not sent',
      );
      await queue.done(meta.sha256);
      return true;
    }
    await send(meta, bytes);
    await queue.done(meta.sha256);
    counts.uploaded += 1;
    counts.bytes += bytes.byteLength;
    backoff.reset();
    log.debug({ event: 'sample_uploaded', sha256: meta.sha256, bytes: bytes.byteLength }, 'sample uploaded');
    return true;
  };

  const loop = async () => {
    await queue.ready();
    while (!stopped && session.ready && queue.pending() > 0) {
      try {
        await uploadOne();
      } catch (err) {
        if (stopped) return;
        counts.retries += 1;
        const wait = backoff.next();
        log.warn(
          { event: 'sample_upload_failed', err: (err as Error).message, retry_ms: Math.round(wait) },
          'sample upload failed; will retry',
        );
        await delay(wait, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    }
  };

  const kick = () => {
    if (running || stopped) return;
    running = loop()
      .catch((err: Error) =>
        log.error(
          { event: 'sample_queue_unreadable', err: err.message },
          'cannot read the sample upload queue',
        ),
      )
      .finally(() => {
        running = undefined;
      });
  };

  const unsubscribe = session.onStateChange((to) => {
    if (to === 'ready') kick();
  });

  return {
    kick,
    counts: () => ({ ...counts }),
    async drain(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline && !stopped) {
        kick();
        if (queue.pending() === 0) return true;
        // A timer, not only `running`: a loop that ends at once (session not ready) must not spin the microtask queue.
        await delay(20);
      }
      return queue.pending() === 0;
    },
    async stop() {
      stopped = true;
      unsubscribe();
      stopping.abort();
      await running?.catch(() => undefined);
    },
  };
}
