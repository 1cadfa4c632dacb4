import { rm } from 'node:fs/promises';
import { type AgentRef, agentKey, type SampleMeta } from '@sightline/protocol';
import type { Logger } from 'pino';
import { SAMPLE_TYPES, type SampleContentType } from './layout.ts';
import type { SampleOutcome } from './outcome.ts';
import { createSampleFiles } from './sample-files.ts';
import type { SampleIndex } from './sample-index.ts';
import { createSerialQueue } from './serial.ts';

export interface SampleStoreOptions {
  dir: string;
  /** Disk space for images; over it the least valuable are evicted (unlabelled, oldest first). */
  quotaBytes: number;
  index: SampleIndex;
  log: Logger;
  /** Eviction frees down to this share of the quota, so it runs now and then, not on every sample. */
  lowWater?: number;
}

export interface SampleStoreCounts {
  /** Rows added (a sample referenced once per sender, seq). */
  stored: number;
  /** Images deleted to stay within the quota. */
  evicted: number;
  /** Images on disk now, and their bytes. */
  files: number;
  bytes: number;
  quotaBytes: number;
}

export interface CompleteSample {
  ref: AgentRef;
  sha256: string;
  /** Every meta received for this image from this sender (usually one). */
  metas: readonly SampleMeta[];
  receivedTs: number;
  /** The image's bytes in order; read once. */
  chunks: () => AsyncIterable<Uint8Array>;
}

type Rejected = Extract<SampleOutcome, { kind: 'rejected' }>;
const reject = (code: Rejected['code'], error: string): Rejected => ({ kind: 'rejected', code, error });

/** Checks the bytes against what the topic and meta say; null when they agree. */
function mismatch(
  sample: CompleteSample,
  got: { sha256: string; sniffed: SampleContentType | null; bytes: number },
): Rejected | null {
  const from = agentKey(sample.ref);
  if (got.sha256 !== sample.sha256) {
    return reject(
      'SL_SAMPLE_HASH_MISMATCH',
      `sample from ${from}: its ${got.bytes} bytes hash to ${got.sha256}, not ${sample.sha256} as its topic says; the image was corrupted or chunks were mixed up`,
    );
  }
  for (const meta of sample.metas) {
    if (got.sniffed !== meta.content_type) {
      const what = got.sniffed ?? 'neither JPEG nor PNG';
      return reject(
        'SL_SAMPLE_INVALID',
        `sample ${sample.sha256} from ${from}: meta says ${meta.content_type} but the bytes are ${what}`,
      );
    }
  }
  return null;
}

/**
 * The content-addressed image store: each image written once per sha256 (temp file, fsync, rename), its
 * rows in the index, a disk quota kept by evicting unlabelled images before labelled ones, oldest first.
 */
export async function createSampleStore({ dir, quotaBytes, index, log, lowWater = 0.9 }: SampleStoreOptions) {
  const files = createSampleFiles(dir);
  const serial = createSerialQueue();
  const counts: SampleStoreCounts = { stored: 0, evicted: 0, files: 0, bytes: 0, quotaBytes };

  // Reconcile disk and table: a crash can leave a file without rows (renamed, not yet inserted) and
  // someone may have deleted files by hand. Neither may count against the quota or show in listings.
  const known = new Map((await index.files()).map((f) => [f.sha256, f]));
  const onDisk = new Set<string>();
  for (const found of await files.scan()) {
    const row = known.get(found.sha256);
    if (row && SAMPLE_TYPES[row.content_type] === found.ext) onDisk.add(found.sha256);
    else await rm(found.path, { force: true });
  }
  for (const sha256 of known.keys()) {
    if (onDisk.has(sha256)) continue;
    await index.remove(sha256);
    log.warn({ sha256 }, 'sample file missing from disk; its rows are dropped');
  }
  Object.assign(counts, await index.usage());

  /** Evicts until `incoming` more bytes fit under the low-water mark. */
  async function makeRoom(incoming: number): Promise<void> {
    if (counts.bytes + incoming <= quotaBytes) return;
    const target = Math.max(0, quotaBytes * lowWater - incoming);
    const before = { files: counts.files, bytes: counts.bytes };
    while (counts.bytes > target) {
      const victims = await index.evictionOrder(64);
      if (victims.length === 0) break;
      for (const victim of victims) {
        // Rows first: a crash in between leaves an orphan file, which the next start deletes.
        await index.remove(victim.sha256);
        await files.remove(victim.sha256, victim.content_type);
        counts.files--;
        counts.bytes -= victim.bytes;
        counts.evicted++;
        if (counts.bytes <= target) break;
      }
    }
    log.info(
      { evicted: before.files - counts.files, freedBytes: before.bytes - counts.bytes, quotaBytes },
      'sample quota reached; oldest unlabelled images evicted',
    );
  }

  async function insertRows(sample: CompleteSample, type: SampleContentType): Promise<number> {
    let inserted = 0;
    for (const meta of sample.metas) {
      if (await index.insert(sample.ref, meta, type, sample.receivedTs)) inserted++;
    }
    counts.stored += inserted;
    return inserted;
  }

  return {
    counts: (): Readonly<SampleStoreCounts> => counts,
    path: files.path,

    /** Stores a complete sample; resolves once file and rows are durable. Throws on I/O failure. */
    put(sample: CompleteSample): Promise<SampleOutcome> {
      return serial(async () => {
        const existing = await index.file(sample.sha256);
        if (existing) {
          const bad = mismatch(sample, await files.hash(sample.chunks()));
          return bad ?? { kind: 'stored', inserted: await insertRows(sample, existing.content_type) };
        }
        const bytes = sample.metas[0]?.bytes ?? 0;
        if (bytes > quotaBytes) {
          return reject(
            'SL_SAMPLE_TOO_LARGE',
            `sample ${sample.sha256} from ${agentKey(sample.ref)} is ${bytes} bytes, more than the whole sample quota (${quotaBytes} bytes); raise samples.quotaMB`,
          );
        }
        await makeRoom(bytes);
        const written = await files.write(sample.sha256, sample.chunks());
        const bad = mismatch(sample, written);
        if (bad || !written.sniffed) {
          await written.discard();
          return bad ?? reject('SL_SAMPLE_INVALID', 'empty sample');
        }
        await written.commit(written.sniffed);
        counts.files++;
        counts.bytes += written.bytes;
        return { kind: 'stored', inserted: await insertRows(sample, written.sniffed) };
      });
    },

    /**
     * When the image is stored already (another sender, another seq), a meta alone completes the sample:
     * its row is added and the chunks that follow are not needed. Null when the image is not stored.
     */
    putReference(ref: AgentRef, meta: SampleMeta, receivedTs: number): Promise<SampleOutcome | null> {
      return serial(async () => {
        const existing = await index.file(meta.sha256);
        if (!existing) return null;
        if (existing.content_type !== meta.content_type) {
          return reject(
            'SL_SAMPLE_INVALID',
            `sample ${meta.sha256} from ${agentKey(ref)}: meta says ${meta.content_type} but the stored image with this sha256 is ${existing.content_type}`,
          );
        }
        const added = await index.insert(ref, meta, existing.content_type, receivedTs);
        if (added) counts.stored++;
        return added ? { kind: 'stored', inserted: 1 } : { kind: 'duplicate' };
      });
    },
  };
}

export type SampleStore = Awaited<ReturnType<typeof createSampleStore>>;
