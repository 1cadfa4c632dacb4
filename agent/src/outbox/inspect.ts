import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InspectionResultInput } from '@sightline/protocol';
import { scanRecords } from './record-log.ts';
import { createWatermark } from './watermark.ts';

export interface OutboxContents {
  /** Every seq below this is gone: confirmed by the hub (PUBACKed, with a hub without acks) or dropped. */
  watermark: number;
  /** Results still waiting to be sent, oldest first. */
  pending: InspectionResultInput[];
  /** Whole records on disk, including acknowledged ones not yet compacted away. */
  records: number;
}

/** Reads an agent's outbox from its state directory without changing it (support, tests). */
export async function readOutbox(stateDir: string): Promise<OutboxContents> {
  const dir = join(stateDir, 'outbox');
  const watermark = await createWatermark(join(dir, 'acked'));
  const floor = watermark.value;
  await watermark.close();
  const files = (await readdir(dir)).filter((f) => /^seg-\d{10}\.log$/.test(f)).sort();
  const pending: InspectionResultInput[] = [];
  let records = 0;
  for (const file of files) {
    for (const r of scanRecords(await readFile(join(dir, file))).records) {
      records += 1;
      const result = JSON.parse(r.payload.toString('utf8')) as InspectionResultInput;
      if (result.seq >= floor) pending.push(result);
    }
  }
  pending.sort((a, b) => a.seq - b.seq);
  return { watermark: floor, pending, records };
}
