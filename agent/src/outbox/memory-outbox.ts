import type { InspectionResultInput } from '@sightline/protocol';
import type { Outbox, OutboxEntry } from './outbox.ts';

export interface MemoryOutboxOptions {
  /** Entries kept at most; beyond it the oldest pending entry is dropped and counted. */
  maxEntries?: number;
}

/** In-memory outbox: survives broker outages, not process restarts. */
export function createMemoryOutbox(opts: MemoryOutboxOptions = {}): Outbox {
  const maxEntries = opts.maxEntries ?? 100_000;
  let pending: OutboxEntry[] = [];
  const inflight = new Map<number, OutboxEntry>();
  let droppedCount = 0;

  return {
    async append(result: InspectionResultInput) {
      pending.push({ seq: result.seq, result });
      while (pending.length + inflight.size > maxEntries && pending.length > 0) {
        pending.shift();
        droppedCount += 1;
      }
    },
    async take(max) {
      const batch = pending.slice(0, max);
      pending = pending.slice(batch.length);
      for (const e of batch) inflight.set(e.seq, e);
      return batch;
    },
    async ack(entries) {
      for (const e of entries) inflight.delete(e.seq);
    },
    release(entries) {
      const back = entries.filter((e) => inflight.delete(e.seq));
      pending = [...back, ...pending].sort((a, b) => a.seq - b.seq);
    },
    depth: () => pending.length + inflight.size,
    dropped: () => droppedCount,
    async close() {},
  };
}
