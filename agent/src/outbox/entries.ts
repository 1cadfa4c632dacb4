import type { SeqRange } from '@sightline/protocol';
import { createSortedSeqs, lowerBound } from './sorted-seqs.ts';

/** What the index needs of an entry; implementations add where its bytes are. */
export interface Held {
  seq: number;
  /** Sent before (an earlier process, or a resend): goes out marked `replayed`. */
  replay: boolean;
}

/** Sorted by seq: merges `back` (sorted here) into `live` (sorted) in one pass. */
function merge<E extends Held>(live: readonly E[], back: E[]): E[] {
  back.sort((a, b) => a.seq - b.seq);
  const out: E[] = [];
  let i = 0;
  let j = 0;
  while (i < live.length || j < back.length) {
    const a = live[i];
    const b = back[j];
    if (b === undefined || (a !== undefined && a.seq <= b.seq)) {
      out.push(a as E);
      i++;
    } else {
      out.push(b);
      j++;
    }
  }
  return out;
}

/** Ranges sorted by lo with overlaps merged (an ack is outside input: do not rely on its order). */
export function normalRanges(ranges: readonly SeqRange[]): SeqRange[] {
  const out: SeqRange[] = [];
  for (const [lo, hi] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** True when `seq` lies in one of the sorted, disjoint ranges. */
function inRanges(ranges: readonly SeqRange[], seq: number): boolean {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ranges[mid] as SeqRange)[1] < seq) lo = mid + 1;
    else hi = mid;
  }
  const r = ranges[lo];
  return r !== undefined && r[0] <= seq;
}

const bySeq = (e: Held) => e.seq;

/**
 * Where each outbox entry is on its way out, as a state machine per entry:
 *
 *   pending ──take──▶ in flight ──PUBACK──▶ unconfirmed ──hub ack──▶ gone
 *      ▲                  │ publish failed        │ no hub ack in time, reconnect, hub back online
 *      └──────────────────┴───────────────────────┘ (requeue: sent again, marked replayed)
 *
 * With a hub that does not acknowledge end to end, PUBACK removes the entry at once (`settle`). A hub ack may
 * confirm an entry in any state (it can overtake the PUBACK, or cover entries recovered after a restart). The
 * index holds no result bytes: each outbox keeps those its own way. The quota drops the oldest entry held, in
 * whatever state: gaps that will never be confirmed cannot hold trimming back.
 */
export function createEntryIndex<E extends Held>() {
  let pending: E[] = [];
  let head = 0;
  const inflight = new Map<number, E>();
  const unconfirmed = new Map<number, { entry: E; sentAt: number }>();
  // Seqs in flight or awaiting the hub, sorted: the oldest held entry is min(pending head, out.first()).
  const out = createSortedSeqs();

  const compact = () => {
    if (head > 1024 && head > pending.length / 2) {
      pending = pending.slice(head);
      head = 0;
    }
  };
  const putBack = (back: E[]) => {
    if (back.length === 0) return;
    for (const e of back) out.delete(e.seq);
    pending = merge(pending.slice(head), back);
    head = 0;
  };
  const fromInflight = (seqs: Iterable<number>): E[] => {
    const out: E[] = [];
    for (const seq of seqs) {
      const e = inflight.get(seq);
      if (!e) continue; // confirmed by the hub before the PUBACK came
      inflight.delete(seq);
      out.push(e);
    }
    return out;
  };

  return {
    /** A new entry (appends come in seq order, so this is nearly always a push). */
    add(e: E): void {
      let i = pending.length;
      while (i > head && ((pending[i - 1] as E).seq ?? -1) > e.seq) i -= 1;
      pending.splice(i, 0, e);
    },
    /** The oldest pending entries, now in flight. */
    take(max: number): E[] {
      const batch = pending.slice(head, head + max);
      head += batch.length;
      compact();
      for (const e of batch) {
        inflight.set(e.seq, e);
        out.add(e.seq);
      }
      return batch;
    },
    /** PUBACK where nothing more is awaited: the entries leave. */
    settle(seqs: Iterable<number>): E[] {
      const gone = fromInflight(seqs);
      for (const e of gone) out.delete(e.seq);
      return gone;
    },
    /** PUBACK where the hub's confirmation is awaited: kept, and sent again if it does not come. */
    sent(seqs: Iterable<number>, at: number): void {
      for (const e of fromInflight(seqs)) unconfirmed.set(e.seq, { entry: e, sentAt: at });
    },
    /** A failed publish: back in line, before newer entries. */
    release(seqs: Iterable<number>): void {
      putBack(fromInflight(seqs));
    },
    /** The hub holds these seqs: every entry in the ranges leaves, whatever its state. */
    confirm(given: readonly SeqRange[]): E[] {
      const ranges = normalRanges(given);
      const gone: E[] = [];
      if (ranges.length === 0) return gone;
      for (const [seq, u] of unconfirmed) {
        if (inRanges(ranges, seq)) {
          unconfirmed.delete(seq);
          out.delete(seq);
          gone.push(u.entry);
        }
      }
      for (const [seq, e] of inflight) {
        if (inRanges(ranges, seq)) {
          inflight.delete(seq);
          out.delete(seq);
          gone.push(e);
        }
      }
      for (const [lo, hi] of ranges) {
        const from = lowerBound(pending, head, lo, bySeq);
        const to = lowerBound(pending, from, hi + 1, bySeq);
        if (to > from) gone.push(...pending.splice(from, to - from));
      }
      return gone;
    },
    /** Unconfirmed entries sent before `before` go back in line, marked to be replayed. Returns how many. */
    requeue(before: number): number {
      const back: E[] = [];
      for (const [seq, u] of unconfirmed) {
        if (u.sentAt >= before) continue;
        unconfirmed.delete(seq);
        u.entry.replay = true;
        back.push(u.entry);
      }
      putBack(back);
      return back.length;
    },
    /**
     * Removes the oldest entries held, whatever their state, while `drop` says so (the outbox's quota policy).
     * One dropped in flight is simply not kept when its PUBACK or failure comes.
     */
    dropWhile(drop: (e: E) => boolean): E[] {
      const gone: E[] = [];
      for (;;) {
        const sentSeq = out.first();
        const next = pending[head];
        const fromPending = next !== undefined && (sentSeq === undefined || next.seq < sentSeq);
        const e = fromPending ? next : (inflight.get(sentSeq ?? -1) ?? unconfirmed.get(sentSeq ?? -1)?.entry);
        if (e === undefined && !fromPending && sentSeq !== undefined) {
          out.delete(sentSeq); // not held any more (cannot happen; never loop on it)
          continue;
        }
        if (e === undefined || !drop(e)) break;
        if (fromPending) head += 1;
        else {
          inflight.delete(e.seq);
          unconfirmed.delete(e.seq);
          out.delete(e.seq);
        }
        gone.push(e);
      }
      compact();
      return gone;
    },
    /** The lowest seq still held, in any state. */
    lowest(): number | undefined {
      const a = pending[head]?.seq;
      const b = out.first();
      return a === undefined ? b : b === undefined ? a : Math.min(a, b);
    },
    pending: () => pending.length - head,
    inflight: () => inflight.size,
    unconfirmed: () => unconfirmed.size,
    size: () => pending.length - head + inflight.size + unconfirmed.size,
  };
}

export type EntryIndex<E extends Held> = ReturnType<typeof createEntryIndex<E>>;
