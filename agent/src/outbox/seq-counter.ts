import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentError } from '../errors.ts';

/** Sequence numbers reserved on disk per write; a crash skips at most this many. */
const BLOCK = 1000;

export interface SeqCounter {
  /** The next sequence number; waits for the disk only when a new block must be reserved. */
  next(): Promise<number>;
}

/** Replaces a small file atomically: a temp file, synced, renamed over it. */
export async function writeDurably(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/**
 * Per-agent `seq`, monotonic across restarts: the file holds a ceiling that no issued number
 * reaches, written (fsync + rename) before any number of a new block is handed out.
 */
export async function createSeqCounter(dir: string): Promise<SeqCounter> {
  const path = join(dir, 'seq');
  try {
    await mkdir(dir, { recursive: true });
  } catch (cause) {
    throw new AgentError(
      'SL_STATE_DIR',
      `cannot create state directory ${dir}: ${(cause as Error).message}`,
      { cause },
    );
  }
  let stored = 0;
  try {
    stored = Number.parseInt(await readFile(path, 'utf8'), 10);
    if (!Number.isSafeInteger(stored) || stored < 0) stored = 0;
  } catch {
    stored = 0;
  }
  let nextSeq = stored;
  let ceiling = stored;
  let reserving: Promise<void> | undefined;
  const reserve = () => {
    reserving ??= writeDurably(path, String(ceiling + BLOCK)).then(() => {
      ceiling += BLOCK;
      reserving = undefined;
    });
    return reserving;
  };
  await reserve();

  return {
    async next() {
      while (nextSeq >= ceiling) await reserve();
      const seq = nextSeq;
      nextSeq += 1;
      return seq;
    },
  };
}
