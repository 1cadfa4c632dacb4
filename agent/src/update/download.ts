import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BundleMeta, decode, topics } from '@sightline/protocol';
import { AgentError } from '../errors.ts';
import type { BundleChannel } from './channel.ts';

const MAX_ATTEMPTS = 3;

const aborted = () => Object.assign(new Error('download superseded'), { name: 'AbortError' });

/** Waits for a bundle's retained meta message (size, chunk size, chunk hashes). */
export function fetchBundleMeta(
  channel: BundleChannel,
  model: { id: string; version: string },
  signal: AbortSignal,
): Promise<BundleMeta> {
  const topic = topics.bundleMeta(model.id, model.version);
  return new Promise((resolve, reject) => {
    const stop = () => {
      off();
      offConnect();
      void channel.unsubscribe([topic]).catch(() => undefined);
    };
    const off = channel.onMessage((t, payload) => {
      if (t !== topic) return;
      const decoded = decode(BundleMeta, payload);
      stop();
      if (decoded.ok) resolve(decoded.value);
      else
        reject(
          new AgentError(
            'SL_BUNDLE_CHUNK_INVALID',
            `bundle meta on ${topic} is invalid: ${decoded.error.message}`,
          ),
        );
    });
    const offConnect = channel.onConnect(() => void channel.subscribe([topic]).catch(() => undefined));
    signal.addEventListener('abort', () => {
      stop();
      reject(aborted());
    });
    void channel.subscribe([topic]).catch(() => undefined);
  });
}

export interface DownloadOptions {
  channel: BundleChannel;
  meta: BundleMeta;
  /** Folder for partial downloads: `<sha256>.part` survives restarts, so a download resumes. */
  dir: string;
  /** Chunks asked for at once. */
  window: number;
  signal: AbortSignal;
  onProgress(have: number, total: number): void;
  /** A chunk whose bytes do not match its hash: dropped and asked for again (up to 3 times). */
  onBadChunk(n: number, why: string): void;
  /** Called once, when half the chunks are on disk (test failpoint). */
  onHalf?: () => void;
}

/**
 * Fetches a bundle chunk by chunk over MQTT: it subscribes to at most `window` missing chunk topics, whose
 * retained messages the broker then sends (each chunk is published once by the hub and fanned out by the
 * broker); every chunk is checked against its SHA-256 and written at its offset. Chunks already in the
 * partial file (a restart, a dropped connection) are found by hashing and not fetched again. Resolves with
 * the path of the complete file once its whole SHA-256 matches.
 */
export async function downloadBundle(o: DownloadOptions): Promise<string> {
  const { meta, channel } = o;
  const path = join(o.dir, `${meta.sha256}.part`);
  const handle = await open(path, 'a+').then(async (h) => {
    await h.close();
    return open(path, 'r+');
  });
  const chunkTopic = (n: number) => topics.bundleChunk(meta.id, meta.version, n);
  const size = (n: number) => Math.min(meta.chunkBytes, meta.bytes - n * meta.chunkBytes);
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  try {
    await handle.truncate(meta.bytes);
    const have = new Array<boolean>(meta.chunks.length).fill(false);
    const buf = Buffer.alloc(meta.chunkBytes);
    for (let n = 0; n < meta.chunks.length; n++) {
      const { bytesRead } = await handle.read(buf, 0, size(n), n * meta.chunkBytes);
      have[n] = bytesRead === size(n) && sha(buf.subarray(0, bytesRead)) === meta.chunks[n];
    }
    const count = () => have.filter(Boolean).length;
    o.onProgress(count(), have.length);
    if (count() < have.length) await fetchMissing(have);
    await handle.sync();
  } finally {
    await handle.close();
  }
  const whole = await wholeSha(path);
  if (whole !== meta.sha256) {
    await rm(path, { force: true });
    throw new AgentError(
      'SL_BUNDLE_CHUNK_INVALID',
      `bundle ${meta.id} ${meta.version}: every chunk matched but the whole file's SHA-256 is ${whole}, not ${meta.sha256}; fetching it again`,
    );
  }
  return path;

  function fetchMissing(have: boolean[]): Promise<void> {
    const queue = have.flatMap((h, n) => (h ? [] : [n]));
    const inFlight = new Set<number>();
    const attempts = new Map<number, number>();
    let halfCalled = have.filter(Boolean).length * 2 >= have.length;
    let writes = Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (err?: Error) => {
        if (done) return;
        done = true;
        offMessage();
        offConnect();
        if (inFlight.size) void channel.unsubscribe([...inFlight].map(chunkTopic)).catch(() => undefined);
        void writes.then(() => (err ? reject(err) : resolve()), reject);
      };
      const ask = () => {
        const next: number[] = [];
        while (inFlight.size < o.window && queue.length) {
          const n = queue.shift() as number;
          inFlight.add(n);
          next.push(n);
        }
        if (next.length) void channel.subscribe(next.map(chunkTopic)).catch(() => undefined);
      };
      const offMessage = channel.onMessage((topic, payload) => {
        const m = /\/chunk\/(\d+)$/.exec(topic);
        const n = m ? Number(m[1]) : -1;
        if (!inFlight.has(n) || topic !== chunkTopic(n)) return;
        inFlight.delete(n);
        void channel.unsubscribe([topic]).catch(() => undefined);
        const why =
          payload.byteLength !== size(n)
            ? `${payload.byteLength} bytes, expected ${size(n)}`
            : sha(payload) !== meta.chunks[n]
              ? 'SHA-256 does not match the bundle meta'
              : null;
        if (why) {
          o.onBadChunk(n, why);
          const tries = (attempts.get(n) ?? 0) + 1;
          attempts.set(n, tries);
          if (tries >= MAX_ATTEMPTS) {
            finish(
              new AgentError(
                'SL_BUNDLE_CHUNK_INVALID',
                `bundle ${meta.id} ${meta.version}: chunk ${n} was refused ${tries} times (${why}); the copy on the broker is damaged or was tampered with`,
              ),
            );
            return;
          }
          // Ask again after a pause: the hub may have published it anew meanwhile.
          setTimeout(() => {
            if (done) return;
            queue.push(n);
            ask();
          }, 500 * tries);
          return;
        }
        const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
        writes = writes.then(async () => {
          await handle.write(bytes, 0, bytes.byteLength, n * meta.chunkBytes);
          have[n] = true;
          const got = have.filter(Boolean).length;
          o.onProgress(got, have.length);
          if (!halfCalled && got * 2 >= have.length) {
            halfCalled = true;
            await handle.sync();
            o.onHalf?.();
          }
          if (got === have.length) finish();
        });
        writes.catch((err: Error) => finish(err));
        ask();
      });
      const offConnect = channel.onConnect(() => {
        if (inFlight.size) void channel.subscribe([...inFlight].map(chunkTopic)).catch(() => undefined);
      });
      o.signal.addEventListener('abort', () => finish(aborted()));
      ask();
    });
  }
}

async function wholeSha(path: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    for await (const chunk of handle.createReadStream()) hash.update(chunk as Buffer);
  } finally {
    await handle.close().catch(() => undefined);
  }
  return hash.digest('hex');
}
