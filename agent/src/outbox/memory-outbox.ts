import type { InspectionResultInput } from '@sightline/protocol';
import { createEntryIndex } from './entries.ts';
import type { Outbox, OutboxEntry } from './outbox.ts';

export interface MemoryOutboxOptions {
  /** Entries kept at most; beyond it the oldest pending entry is dropped and counted. */
  maxEntries?: number;
}

interface Entry {
  seq: number;
  replay: boolean;
  result: InspectionResultInput;
}

/** In-memory outbox: survives broker outages, not process restarts. */
export function createMemoryOutbox(opts: MemoryOutboxOptions = {}): Outbox {
  const maxEntries = opts.maxEntries ?? 100_000;
  const index = createEntryIndex<Entry>();
  let droppedCount = 0;
  const seqs = (entries: readonly OutboxEntry[]) => entries.map((e) => e.seq);

  return {
    async append(result) {
      index.add({ seq: result.seq, replay: false, result });
      droppedCount += index.dropWhile(() => index.size() > maxEntries).length;
    },
    async take(max) {
      return index
        .take(max)
        .map((e) => ({ seq: e.seq, result: e.replay ? { ...e.result, replayed: true } : e.result }));
    },
    async ack(entries) {
      index.settle(seqs(entries));
    },
    sent: (entries, at) => index.sent(seqs(entries), at),
    confirm: (ranges) => index.confirm(ranges).length,
    requeue: (before) => index.requeue(before),
    release: (entries) => index.release(seqs(entries)),
    pending: () => index.pending(),
    unconfirmed: () => index.unconfirmed(),
    depth: () => index.size(),
    dropped: () => droppedCount,
    async close() {},
  };
}
