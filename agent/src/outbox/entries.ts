import type { SeqRange } from '@sightline/protocol';

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

/** First index ≥ from whose seq is ≥ seq (binary search over a sorted array). */
function lowerBound(list: readonly Held[], from: number, seq: number): number {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as Held).seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where each outbox entry is on its way out, as a state machine per entry:
 *
 *   pending ──take──▶ in flight ──PUBACK──▶ unconfirmed ──hub ack──▶ gone
 *      ▲                  │ publish failed        │ no hub ack in time, reconnect, hub back online
 *      └──────────────────┴───────────────────────┘ (requeue: sent again, marked replayed)
 *
 * With a hub that does not acknowledge end to end, PUBACK removes the entry at once (`settle`). A hub ack may
 * confirm an entry in any state (it can overtake the PUBACK, or cover entries recovered after a restart). The
 * index holds no result bytes: each outbox keeps those its own way.
 */
export function createEntryIndex<E extends Held>() {
  let pending: E[] = [];
  let head = 0;
  const inflight = new Map<number, E>();
  const unconfirmed = new Map<number, { entry: E; sentAt: number }>();

  const compact = () => {
    if (head > 1024 && head > pending.length / 2) {
      pending = pending.slice(head);
      head = 0;
    }
  };
  const putBack = (back: E[]) => {
    if (back.length === 0) return;
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
      for (const e of batch) inflight.set(e.seq, e);
      return batch;
    },
    /** PUBACK where nothing more is awaited: the entries leave. */
    settle: (seqs: Iterable<number>): E[] => fromInflight(seqs),
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
          gone.push(u.entry);
        }
      }
      for (const [seq, e] of inflight) {
        if (inRanges(ranges, seq)) {
          inflight.delete(seq);
          gone.push(e);
        }
      }
      for (const [lo, hi] of ranges) {
        const from = lowerBound(pending, head, lo);
        const to = lowerBound(pending, from, hi + 1);
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
    /** Removes pending entries from the oldest while `drop` says so (the outbox's quota policy). */
    dropWhile(drop: (e: E) => boolean): E[] {
      const gone: E[] = [];
      for (let e = pending[head]; e && drop(e); e = pending[head]) {
        gone.push(e);
        head += 1;
      }
      compact();
      return gone;
    },
    /** The lowest seq still held, in any state. */
    lowest(): number | undefined {
      let low = pending[head]?.seq ?? Number.POSITIVE_INFINITY;
      for (const seq of inflight.keys()) if (seq < low) low = seq;
      for (const seq of unconfirmed.keys()) if (seq < low) low = seq;
      return low === Number.POSITIVE_INFINITY ? undefined : low;
    },
    pending: () => pending.length - head,
    inflight: () => inflight.size,
    unconfirmed: () => unconfirmed.size,
    size: () => pending.length - head + inflight.size + unconfirmed.size,
  };
}

export type EntryIndex<E extends Held> = ReturnType<typeof createEntryIndex<E>>;
