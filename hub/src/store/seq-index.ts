/**
 * Which sequence numbers each agent has stored, as sorted disjoint closed intervals [lo, hi]. Agents number
 * results contiguously, so an agent is usually one interval (a few more after its outbox dropped some): the
 * whole index fits in memory where a primary key on 100M rows would not, and the raw table needs no index.
 *
 * A commit stages seqs in a `SeqBatch` (checked against the committed intervals and the batch itself);
 * `apply` folds the batch in only after the transaction committed, so a failed commit leaves no trace.
 */
export type Interval = [lo: number, hi: number];

/** Index of the first interval whose hi >= seq (binary search). */
function firstEndingAtOrAfter(list: readonly Interval[], seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as Interval)[1] < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function contains(list: readonly Interval[], seq: number): boolean {
  const i = firstEndingAtOrAfter(list, seq);
  const iv = list[i];
  return iv !== undefined && iv[0] <= seq;
}

/** The intervals of a sorted list that overlap [lo, hi] (copies). */
export function overlapping(list: readonly Interval[], lo: number, hi: number): Interval[] {
  const out: Interval[] = [];
  for (let i = firstEndingAtOrAfter(list, lo); i < list.length; i++) {
    const iv = list[i] as Interval;
    if (iv[0] > hi) break;
    out.push([iv[0], iv[1]]);
  }
  return out;
}

/** Adds one seq to a sorted interval list in place, merging neighbours. Returns false if already present. */
export function addSeq(list: Interval[], seq: number): boolean {
  const last = list[list.length - 1];
  // Fast path: the next seq of a contiguous agent.
  if (last && seq === last[1] + 1) {
    last[1] = seq;
    return true;
  }
  if (last && seq > last[1] + 1) {
    list.push([seq, seq]);
    return true;
  }
  const i = firstEndingAtOrAfter(list, seq);
  const at = list[i];
  if (at && at[0] <= seq) return false;
  const prev = list[i - 1];
  const joinsPrev = prev !== undefined && prev[1] + 1 === seq;
  const joinsNext = at !== undefined && at[0] - 1 === seq;
  if (joinsPrev && joinsNext) {
    prev[1] = at[1];
    list.splice(i, 1);
  } else if (joinsPrev) prev[1] = seq;
  else if (joinsNext) at[0] = seq;
  else list.splice(i, 0, [seq, seq]);
  return true;
}

/** Merges two sorted interval lists into a new one. */
export function mergeIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const out: Interval[] = [];
  for (const [lo, hi] of all) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export interface SeqIndex {
  /** True when the agent's seq is committed. */
  has(agentId: number, seq: number): boolean;
  intervals(agentId: number): readonly Interval[];
  /** Replaces an agent's intervals (start-up load). */
  load(agentId: number, intervals: Interval[]): void;
  /** A staging area for one commit. */
  batch(): SeqBatch;
  /** Folds a committed batch in; returns the new interval lists of the agents it touched. */
  apply(batch: SeqBatch): void;
  /** Number of intervals over all agents (a health figure: fragmentation). */
  size(): number;
}

export interface SeqBatch {
  /** Stages a seq; false when it is committed already or staged earlier in this batch (a duplicate). */
  stage(agentId: number, seq: number): boolean;
  /** The merged intervals each touched agent will have once this batch commits. */
  merged(): Map<number, Interval[]>;
}

export function createSeqIndex(): SeqIndex {
  const byAgent = new Map<number, Interval[]>();
  const index: SeqIndex = {
    has: (agentId, seq) => contains(byAgent.get(agentId) ?? [], seq),
    intervals: (agentId) => byAgent.get(agentId) ?? [],
    load(agentId, intervals) {
      byAgent.set(agentId, mergeIntervals([], intervals));
    },
    batch() {
      const staged = new Map<number, Interval[]>();
      let merged: Map<number, Interval[]> | undefined;
      return {
        stage(agentId, seq) {
          if (index.has(agentId, seq)) return false;
          const list = staged.get(agentId) ?? [];
          staged.set(agentId, list);
          merged = undefined;
          return addSeq(list, seq);
        },
        merged() {
          merged ??= new Map(
            [...staged].map(([agentId, list]) => [agentId, mergeIntervals(byAgent.get(agentId) ?? [], list)]),
          );
          return merged;
        },
      };
    },
    apply(batch) {
      for (const [agentId, list] of batch.merged()) byAgent.set(agentId, list);
    },
    size: () => {
      let n = 0;
      for (const list of byAgent.values()) n += list.length;
      return n;
    },
  };
  return index;
}
