import { link, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readOutbox } from '@sightline/agent';
import type { InspectionResultInput } from '@sightline/protocol';

/**
 * What an agent created, read without changing the agent: every result it counts is first appended
 * to its outbox, and the outbox deletes a segment file only once the hub confirmed all of it.
 * The archive keeps a hard link to every outbox file (so a deleted segment's bytes stay readable, and
 * appends to the live one show through) except the ack watermark `acked`; `readOutbox` on the archive
 * then sees every record ever appended as pending. Call `sync` while the agent runs (a segment lives
 * until it is full, 8 MB, or its process ends) and after each stop or kill.
 */
export interface OutboxArchive {
  sync(): Promise<void>;
  /** Every result the agent appended, by seq. */
  created(): Promise<Map<number, InspectionResultInput>>;
}

export function createOutboxArchive(stateDir: string, archiveDir: string): OutboxArchive {
  const source = join(stateDir, 'outbox');
  // A file name can come back after its segment was deleted: a later inode goes to a new generation.
  const generations: Map<string, number>[] = [];
  const seen = new Set<number>();
  let syncing: Promise<void> = Promise.resolve();

  const genDir = (g: number) => join(archiveDir, `gen-${g}`);
  const syncOnce = async () => {
    const names = await readdir(source).catch(() => [] as string[]);
    for (const name of names) {
      if (name === 'acked') continue;
      const from = join(source, name);
      const info = await stat(from).catch(() => undefined);
      if (!info?.isFile() || seen.has(info.ino)) continue;
      let g = generations.findIndex((gen) => !gen.has(name));
      if (g < 0) g = generations.push(new Map()) - 1;
      await mkdir(join(genDir(g), 'outbox'), { recursive: true });
      // Fails if the agent deleted a segment the archive never saw: the tally would be short.
      await link(from, join(genDir(g), 'outbox', name));
      generations[g]?.set(name, info.ino);
      seen.add(info.ino);
    }
  };

  return {
    sync() {
      syncing = syncing.catch(() => undefined).then(syncOnce);
      return syncing;
    },
    async created() {
      await this.sync();
      const all = new Map<number, InspectionResultInput>();
      for (let g = 0; g < generations.length; g += 1) {
        for (const result of (await readOutbox(genDir(g))).pending) all.set(result.seq, result);
      }
      return all;
    },
  };
}
