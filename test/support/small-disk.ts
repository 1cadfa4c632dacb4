import { execFile } from 'node:child_process';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HubProcess } from './hub-process.ts';

const exec = promisify(execFile);

/**
 * - `tmpfs`: a small tmpfs mounted for the hub's database (needs root and a kernel that lets us
 *   mount); `fill` writes a filler file until ENOSPC, so the hub meets a really full disk.
 * - `fsize`: no mount; the hub runs under an RLIMIT_FSIZE soft limit (prlimit) that `fill` lowers to
 *   the size of the database's write-ahead log, so every write past it fails with EFBIG. Harsher than
 *   a full disk (in-place page writes past the limit fail too), and works anywhere.
 */
export type DiskKind = 'tmpfs' | 'fsize';

export interface SmallDisk {
  readonly kind: DiskKind;
  /** Put the hub's database here. */
  readonly dir: string;
  /** Makes the disk full for this hub. */
  fill(hub: HubProcess): Promise<void>;
  /** Gives the space back (to this hub, when it still runs, in fsize mode). */
  free(hub?: HubProcess): Promise<void>;
  close(): Promise<void>;
}

const SIZE_MB = 128;

async function tryMountTmpfs(dir: string): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  try {
    await exec('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_MB}m,mode=0700`, 'sl-faults-disk', dir]);
    return true;
  } catch {
    return false;
  }
}

/** `kind` 'auto' (or $SL_FAULTS_DISK unset) mounts a tmpfs when it can, else uses fsize. */
export async function createSmallDisk(dir: string, kind: DiskKind | 'auto' = 'auto'): Promise<SmallDisk> {
  await mkdir(dir, { recursive: true });
  if (kind !== 'fsize' && (await tryMountTmpfs(dir))) return tmpfsDisk(dir);
  if (kind === 'tmpfs') throw new Error(`cannot mount a tmpfs on ${dir}: run as root, or use fsize`);
  return fsizeDisk(dir);
}

function tmpfsDisk(dir: string): SmallDisk {
  const filler = join(dir, 'filler');
  return {
    kind: 'tmpfs',
    dir,
    async fill() {
      const fh = await open(filler, 'a');
      const chunk = Buffer.alloc(1 << 20, 1);
      try {
        // Whole chunks, then smaller ones: leave not one page free.
        for (let size = chunk.length; size >= 4096; ) {
          try {
            await fh.write(chunk, 0, size);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
            size /= 2;
          }
        }
      } finally {
        await fh.close();
      }
    },
    async free() {
      await rm(filler, { force: true });
    },
    async close() {
      await exec('umount', ['-l', dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function fsizeDisk(dir: string): SmallDisk {
  return {
    kind: 'fsize',
    dir,
    async fill(hub) {
      const wal = (await readdir(dir)).find((f) => f.endsWith('.wal'));
      const size = wal ? (await stat(join(dir, wal))).size : 0;
      await hub.setFileSizeLimit(Math.max(size, 1));
    },
    async free(hub) {
      await hub?.setFileSizeLimit('unlimited');
    },
    async close() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
