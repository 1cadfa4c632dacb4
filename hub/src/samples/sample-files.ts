import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { publish, writeTemp } from './durable.ts';
import { type SampleContentType, SHA256_HEX, samplePath, sniffContentType } from './layout.ts';

export interface WrittenFile extends Digest {
  /** Makes the file visible under its content address (rename + fsync dir). */
  commit(type: SampleContentType): Promise<void>;
  discard(): Promise<void>;
}

/** What bytes hash to and are. */
export interface Digest {
  sha256: string;
  /** What the bytes are, by their magic numbers. */
  sniffed: SampleContentType | null;
  bytes: number;
}

/** A file found under `<dir>/ab/`. */
export interface FoundFile {
  sha256: string;
  path: string;
  ext: string;
}

/** Passes chunks through, hashing them on the way; `digest()` once they are consumed. */
function hashing(chunks: AsyncIterable<Uint8Array>) {
  const hash = createHash('sha256');
  let head: Uint8Array | undefined;
  let bytes = 0;
  return {
    async *stream() {
      for await (const chunk of chunks) {
        head ??= chunk;
        hash.update(chunk);
        bytes += chunk.byteLength;
        yield chunk;
      }
    },
    digest: (): Digest => ({
      sha256: hash.digest('hex'),
      sniffed: head ? sniffContentType(head) : null,
      bytes,
    }),
  };
}

/** Content-addressed image files: `<dir>/ab/abcdef….jpg`, each written once and never changed. */
export function createSampleFiles(dir: string) {
  /** Streams bytes into a temp file beside their final place, hashing them on the way. */
  async function write(sha256: string, chunks: AsyncIterable<Uint8Array>): Promise<WrittenFile> {
    const folder = join(dir, sha256.slice(0, 2));
    await mkdir(folder, { recursive: true });
    const hashed = hashing(chunks);
    const temp = await writeTemp(join(folder, sha256), hashed.stream());
    return {
      ...hashed.digest(),
      commit: (type) => publish(temp, samplePath(dir, sha256, type)),
      discard: () => unlink(temp).catch(() => undefined),
    };
  }

  /** Hashes bytes without keeping them (the image is stored already; the sender's copy is checked). */
  async function hash(chunks: AsyncIterable<Uint8Array>): Promise<Digest> {
    const hashed = hashing(chunks);
    for await (const _ of hashed.stream());
    return hashed.digest();
  }

  /** Every image file; temp files left by a crash are deleted on the way. */
  async function scan(): Promise<FoundFile[]> {
    const found: FoundFile[] = [];
    for (const folder of await readdir(dir).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{2}$/.test(folder)) continue;
      for (const name of await readdir(join(dir, folder))) {
        const path = join(dir, folder, name);
        const [sha256, ext, ...rest] = name.split('.');
        if (name.endsWith('.tmp')) await unlink(path).catch(() => undefined);
        else if (sha256 && ext && rest.length === 0 && SHA256_HEX.test(sha256))
          found.push({ sha256, path, ext });
      }
    }
    return found;
  }

  return {
    write,
    hash,
    scan,
    path: (sha256: string, type: SampleContentType) => samplePath(dir, sha256, type),
    remove: (sha256: string, type: SampleContentType) => rm(samplePath(dir, sha256, type), { force: true }),
  };
}

export type SampleFiles = ReturnType<typeof createSampleFiles>;
