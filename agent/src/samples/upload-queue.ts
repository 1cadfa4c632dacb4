import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decode, SampleMeta } from '@sightline/protocol';
import type { Logger } from 'pino';

/** A sample waiting to be sent: its metadata and its JPEG (relative to the samples dir). */
export interface PendingUpload {
  file: string;
  meta: SampleMeta;
}

/** Samples not yet fully acknowledged by the broker, kept on disk so a restart sends them again. */
export interface UploadQueue {
  add(entry: PendingUpload): Promise<void>;
  /** The oldest pending upload (not removed until `done`). */
  peek(): PendingUpload | undefined;
  /** Removes an upload for good (acknowledged, or impossible to send). */
  done(sha256: string): Promise<void>;
  pending(): number;
  /** Resolves once the entries left by an earlier run are loaded. */
  ready(): Promise<void>;
}

const NAME = /^(\d{13})_([0-9a-f]{64})\.json$/;

/**
 * One small JSON file per pending sample in `<samples dir>/outgoing/`, named `<ts>_<sha256>.json` so
 * the oldest sorts first; written to a temp name and renamed, so a crash leaves whole entries only.
 */
export function createUploadQueue(dir: string, log: Logger): UploadQueue {
  const outgoing = join(dir, 'outgoing');
  const entries: PendingUpload[] = [];
  const nameOf = (meta: SampleMeta) => `${String(meta.ts).padStart(13, '0')}_${meta.sha256}.json`;

  const loaded = (async () => {
    await mkdir(outgoing, { recursive: true });
    for (const name of (await readdir(outgoing)).filter((n) => NAME.test(n)).sort()) {
      const text = await readFile(join(outgoing, name), 'utf8').catch(() => '');
      const parsed = (() => {
        try {
          return JSON.parse(text) as { file?: unknown; meta?: unknown };
        } catch {
          return undefined;
        }
      })();
      const meta = parsed ? decode(SampleMeta, JSON.stringify(parsed.meta ?? null)) : undefined;
      if (!meta?.ok || typeof parsed?.file !== 'string') {
        log.warn(
          { event: 'sample_queue_entry_invalid', file: name },
          'skipping a damaged sample upload entry',
        );
        await unlink(join(outgoing, name)).catch(() => undefined);
        continue;
      }
      entries.push({ file: parsed.file, meta: meta.value });
    }
  })();

  return {
    async add(entry) {
      await loaded;
      const name = nameOf(entry.meta);
      const tmp = join(outgoing, `.${name}.tmp`);
      await writeFile(tmp, JSON.stringify(entry));
      await rename(tmp, join(outgoing, name));
      entries.push(entry);
    },
    peek: () => entries[0],
    async done(sha256) {
      const i = entries.findIndex((e) => e.meta.sha256 === sha256);
      if (i < 0) return;
      const [entry] = entries.splice(i, 1);
      if (entry) await unlink(join(outgoing, nameOf(entry.meta))).catch(() => undefined);
    },
    pending: () => entries.length,
    ready: () => loaded,
  };
}
