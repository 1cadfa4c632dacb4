/** First index ≥ from whose key is ≥ seq, in an array sorted by `key` (binary search). */
export function lowerBound<T>(list: readonly T[], from: number, seq: number, key: (t: T) => number): number {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(list[mid] as T) < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const self = (n: number) => n;

/**
 * A sorted set of seqs: the entries out of the pending line (in flight or awaiting the hub), so the oldest of
 * them is known at once. Seqs are sent in order, so adding is nearly always a push and removing (confirmed,
 * oldest first) nearly always at the front; both stay cheap at the few thousand a window holds.
 */
export function createSortedSeqs() {
  const seqs: number[] = [];
  return {
    add(seq: number): void {
      const last = seqs[seqs.length - 1];
      if (last === undefined || seq > last) seqs.push(seq);
      else seqs.splice(lowerBound(seqs, 0, seq, self), 0, seq);
    },
    delete(seq: number): void {
      const i = lowerBound(seqs, 0, seq, self);
      if (seqs[i] === seq) seqs.splice(i, 1);
    },
    first: (): number | undefined => seqs[0],
  };
}
