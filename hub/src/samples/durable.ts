import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A name beside `path` for writing before the rename; `.tmp` marks leftovers for the start-up sweep. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Makes a directory's entries (a rename, a new file) survive power loss: fsync the directory itself. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `chunks` to a new temp file beside `path` and fsyncs it; returns the temp file's path for the
 * caller to `publish` or delete. Nothing is left behind when writing fails.
 */
export async function writeTemp(
  path: string,
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<string> {
  const temp = tempPathFor(path);
  const handle = await open(temp, 'wx');
  try {
    for await (const chunk of chunks) await handle.write(chunk);
    await handle.datasync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return temp;
}

/** Moves a complete temp file to its name, durably: rename, then fsync the directory. */
export async function publish(temp: string, path: string): Promise<void> {
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDir(dirname(path));
}

/** After a crash the file at `path` is either absent or complete (temp, fsync, rename, fsync dir). */
export async function writeDurably(path: string, data: Uint8Array): Promise<void> {
  await publish(await writeTemp(path, [data]), path);
}
