import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentRef } from '@sightline/protocol';
import { syncDir, writeDurably } from './durable.ts';
import { PARTIAL_DIR, parsePartialName } from './layout.ts';

/** A partial sample as found on disk after a restart. */
export interface RecoveredPartial {
  name: string;
  ref: AgentRef;
  sha256: string;
  /** Raw meta payloads, in arrival order; validated again by the caller. */
  metas: Uint8Array[];
  /** Chunk index → size in bytes. */
  chunks: Map<number, number>;
  /** Latest write (ms), so expiry resumes where it was. */
  touched: number;
}

export interface PartialFiles {
  /** Makes `<dir>/.partial` exist (durably) and lists what a previous run left there. */
  open(): Promise<RecoveredPartial[]>;
  writeMeta(name: string, index: number, payload: Uint8Array): Promise<void>;
  writeChunk(name: string, chunk: number, payload: Uint8Array): Promise<void>;
  readChunk(name: string, chunk: number): Promise<Uint8Array>;
  remove(name: string): Promise<void>;
}

const META_FILE = /^meta\.(\d{1,3})\.json$/;
const CHUNK_FILE = /^(\d{1,6})\.chunk$/;

/**
 * Parts of samples being assembled, each written durably (temp, fsync, rename, fsync dir) before the
 * hub acknowledges it: an acknowledged part survives a crash, and a half-written one never looks whole.
 */
export function createPartialFiles(dir: string): PartialFiles {
  const root = join(dir, PARTIAL_DIR);
  const made = new Set<string>();

  async function folder(name: string): Promise<string> {
    const path = join(root, name);
    if (made.has(name)) return path;
    try {
      await mkdir(path);
      await syncDir(root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    made.add(name);
    return path;
  }

  async function recoverOne(name: string): Promise<RecoveredPartial | null> {
    const parsed = parsePartialName(name);
    const path = join(root, name);
    if (!parsed) {
      await rm(path, { recursive: true, force: true });
      return null;
    }
    const partial: RecoveredPartial = { name, ...parsed, metas: [], chunks: new Map(), touched: 0 };
    const metas: Array<[number, Uint8Array]> = [];
    for (const entry of await readdir(path)) {
      const file = join(path, entry);
      const info = await stat(file);
      partial.touched = Math.max(partial.touched, info.mtimeMs);
      const meta = META_FILE.exec(entry);
      const chunk = CHUNK_FILE.exec(entry);
      if (meta) metas.push([Number(meta[1]), await readFile(file)]);
      else if (chunk) partial.chunks.set(Number(chunk[1]), info.size);
      else await rm(file, { force: true }); // a temp file from a write that never finished
    }
    partial.metas = metas.sort((a, b) => a[0] - b[0]).map(([, payload]) => payload);
    made.add(name);
    return partial;
  }

  return {
    async open() {
      await mkdir(root, { recursive: true });
      await syncDir(dir);
      const found: RecoveredPartial[] = [];
      for (const name of await readdir(root)) {
        const partial = await recoverOne(name);
        if (partial) found.push(partial);
      }
      return found;
    },
    async writeMeta(name, index, payload) {
      await writeDurably(join(await folder(name), `meta.${index}.json`), payload);
    },
    async writeChunk(name, chunk, payload) {
      await writeDurably(join(await folder(name), `${chunk}.chunk`), payload);
    },
    readChunk: (name, chunk) => readFile(join(root, name, `${chunk}.chunk`)),
    async remove(name) {
      made.delete(name);
      await rm(join(root, name), { recursive: true, force: true });
    },
  };
}
