import { describe, expect, it } from 'vitest';
import { addSeq, createSeqIndex, type Interval, mergeIntervals } from './seq-index.ts';

describe('addSeq', () => {
  it('extends, inserts, bridges and refuses repeats', () => {
    const list: Interval[] = [];
    for (const s of [1, 2, 3, 7, 5, 6, 4, 10]) expect(addSeq(list, s)).toBe(true);
    expect(list).toEqual([
      [1, 7],
      [10, 10],
    ]);
    expect(addSeq(list, 5)).toBe(false);
    expect(addSeq(list, 10)).toBe(false);
    expect(addSeq(list, 0)).toBe(true);
    expect(addSeq(list, 9)).toBe(true);
    expect(list).toEqual([
      [0, 7],
      [9, 10],
    ]);
  });
});

describe('mergeIntervals', () => {
  it('joins overlapping and adjacent intervals', () => {
    expect(
      mergeIntervals(
        [
          [1, 3],
          [10, 12],
        ],
        [
          [4, 5],
          [11, 20],
          [30, 30],
        ],
      ),
    ).toEqual([
      [1, 5],
      [10, 20],
      [30, 30],
    ]);
  });
});

describe('createSeqIndex', () => {
  it('stages a batch without changing what is committed until apply', () => {
    const index = createSeqIndex();
    index.load(1, [[0, 99]]);
    const batch = index.batch();
    expect(batch.stage(1, 50)).toBe(false); // committed
    expect(batch.stage(1, 100)).toBe(true);
    expect(batch.stage(1, 100)).toBe(false); // repeated inside the batch
    expect(batch.stage(2, 7)).toBe(true);
    expect(index.has(1, 100)).toBe(false);
    expect(batch.merged().get(1)).toEqual([[0, 100]]);
    index.apply(batch);
    expect(index.has(1, 100)).toBe(true);
    expect(index.intervals(2)).toEqual([[7, 7]]);
    expect(index.size()).toBe(2);
  });

  it('drops a batch that is never applied (a failed commit)', () => {
    const index = createSeqIndex();
    const batch = index.batch();
    batch.stage(1, 1);
    expect(index.has(1, 1)).toBe(false);
    expect(index.batch().stage(1, 1)).toBe(true);
  });
});
