import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeBirth, makeResult, makeState, makeStats } from './fixtures.ts';
import type { ResultStore } from './types.ts';

const A = { site: 'plant-a', line: 'line-1', agent: 'cam-1' };
const B = { site: 'plant-a', line: 'line-1', agent: 'cam-2' };
const C = { site: 'plant-a', line: 'line-2', agent: 'cam-3' };
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The behaviour every ResultStore must have; run it against each implementation. */
export function describeResultStoreContract(name: string, open: () => Promise<ResultStore>): void {
  describe(`ResultStore contract: ${name}`, () => {
    let store: ResultStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores a batch once and counts a redelivery as duplicates', async () => {
      const batch = range(1, 10).map((s) => makeResult(s));
      expect(await store.insertResults(A, 's1', batch, 1)).toEqual({ inserted: 10, duplicates: 0 });
      expect(await store.insertResults(A, 's1', batch, 2)).toEqual({ inserted: 0, duplicates: 10 });
      expect(await store.counters()).toEqual({ results: 10, duplicates: 10, deadLetters: 0 });
    });

    it('inserts only the new part of an overlapping batch, and repeats inside one batch once', async () => {
      await store.insertResults(
        A,
        's1',
        range(1, 5).map((s) => makeResult(s)),
        1,
      );
      const overlap = range(4, 8).map((s) => makeResult(s));
      expect(await store.insertResults(A, 's1', overlap, 2)).toEqual({ inserted: 3, duplicates: 2 });
      const repeated = [makeResult(20), makeResult(20), makeResult(21)];
      expect(await store.insertResults(A, 's1', repeated, 3)).toEqual({ inserted: 2, duplicates: 1 });
      expect((await store.counters()).results).toBe(10);
    });

    it('lists results newest first, filtered, with their flags', async () => {
      await store.insertResults(
        A,
        's1',
        [makeResult(1, { ts: 10, verdict: 'defect' }), makeResult(2, { ts: 20 })],
        1,
      );
      await store.insertResults(C, 's3', [makeResult(1, { ts: 30, replayed: true })], 1);
      const all = await store.results({ limit: 10 });
      expect(all.map((r) => [r.agent, r.seq, r.ts])).toEqual([
        ['cam-3', 1, 30],
        ['cam-1', 2, 20],
        ['cam-1', 1, 10],
      ]);
      expect(all[0]).toMatchObject({ line: 'line-2', replayed: true, shadow: false });
      const defects = await store.results({ limit: 10, verdict: 'defect' });
      expect(defects.map((r) => [r.agent, r.seq])).toEqual([['cam-1', 1]]);
      expect((await store.results({ limit: 10, line: 'line-1' })).length).toBe(2);
      expect((await store.results({ limit: 1 })).length).toBe(1);
    });

    it('keys on the agent: the same seq from two agents is two results', async () => {
      await store.insertResults(A, 's1', [makeResult(1)], 1);
      expect(await store.insertResults(B, 's2', [makeResult(1)], 1)).toEqual({ inserted: 1, duplicates: 0 });
    });

    it('computes line metrics over the window, excluding shadow results', async () => {
      const t0 = 1_700_000_000_000;
      // line-1: 20 live results from two agents, 1 s apart; 4 defects; 10 carry truth (3 defect).
      const a = range(0, 9).map((i) =>
        makeResult(i, {
          ts: t0 + i * 2000,
          verdict: i < 2 ? 'defect' : 'ok',
          truth: i < 3 ? 'defect' : 'ok',
        }),
      );
      const b = range(0, 9).map((i) =>
        makeResult(i, { ts: t0 + 1000 + i * 2000, verdict: i < 2 ? 'defect' : 'ok' }),
      );
      const shadow = range(100, 109).map((i) =>
        makeResult(i, { ts: t0 + 500, verdict: 'defect', shadow: true }),
      );
      const old = [makeResult(200, { ts: t0 - 120_000, verdict: 'defect' })];
      await store.insertResults(A, 's1', [...a, ...shadow, ...old], t0);
      await store.insertResults(B, 's2', b, t0);
      await store.insertResults(C, 's3', [makeResult(1, { ts: t0 })], t0);

      const now = t0 + 19_000;
      const lines = await store.lineMetrics({ windowMs: 60_000, now });
      expect(lines.map((l) => l.line)).toEqual(['line-1', 'line-2']);
      const l1 = lines[0];
      expect(l1).toMatchObject({ site: 'plant-a', agents: 2, inspected: 20, defects: 4, defect_rate: 0.2 });
      expect(l1?.first_ts).toBe(t0);
      expect(l1?.last_ts).toBe(t0 + 19_000);
      expect(l1?.parts_per_min).toBeCloseTo(60, 10); // 19 gaps in 19 s
      expect(l1?.truth_n).toBe(10);
      expect(l1?.true_defect_rate).toBeCloseTo(0.3, 10);
      expect(lines[1]).toMatchObject({ inspected: 1, parts_per_min: 0, true_defect_rate: null });

      // The window is (now − window, now]: a result exactly at the lower edge is out.
      const narrow = await store.lineMetrics({ windowMs: 19_000, now });
      expect(narrow[0]?.inspected).toBe(19);
    });

    it('keeps the latest birth, state and stats per agent; lists known lines as idle', async () => {
      await store.recordBirth(A, makeBirth('s1', 1), 10);
      await store.recordBirth(A, makeBirth('s2', 2), 20);
      await store.recordState(A, makeState(true, 's2', 3), 30);
      await store.recordStats(A, makeStats('s2', 4, 12), 40);
      await store.recordStats(A, makeStats('s2', 5, 15), 50);
      await store.recordState(C, makeState(false, 's9', 6), 60);
      const agents = await store.agents();
      expect(agents.map((x) => x.agent)).toEqual(['cam-1', 'cam-3']);
      expect(agents[0]?.birth?.session).toBe('s2');
      expect(agents[0]?.state?.online).toBe(true);
      expect(agents[0]?.stats?.fps.in).toBe(15);
      expect(agents[0]?.last_seen_ts).toBe(50);
      expect(agents[1]?.birth).toBeNull();

      const lines = await store.lineMetrics({ windowMs: 60_000, now: 1000 });
      expect(lines.map((l) => [l.line, l.inspected, l.defect_rate_ci])).toEqual([
        ['line-1', 0, [0, 1]],
        ['line-2', 0, [0, 1]],
      ]);
    });

    it('records events newest first', async () => {
      await store.recordEvent(
        A,
        { ts: 1, kind: 'camera_lost', severity: 'warning', message: 'cam0 lost' },
        5,
      );
      await store.recordEvent(
        A,
        { ts: 2, kind: 'camera_restored', severity: 'info', message: 'cam0 back' },
        6,
      );
      const events = await store.events({ limit: 10 });
      expect(events.map((e) => e.kind)).toEqual(['camera_restored', 'camera_lost']);
      expect(events[0]).toMatchObject({ agent: 'cam-1', received_ts: 6, message: 'cam0 back' });
    });

    it('keeps dead letters truncated to 4 KiB with their original size, newest first', async () => {
      const big = `{"results":[${'9'.repeat(10_000)}]}`;
      await store.recordDeadLetter({
        ts: 1,
        topic: 'sl/v1/plant-a/line-1/cam-1/results',
        sender: 'plant-a/line-1/cam-1',
        code: 'SL_PAYLOAD_INVALID',
        error: 'results[0]: expected object, received number',
        payload: big,
      });
      await store.recordDeadLetter({
        ts: 2,
        topic: 'sl/v1/plant-a/line-1/cam-1/stats',
        sender: null,
        code: 'SL_PAYLOAD_NOT_JSON',
        error: 'payload is not UTF-8 JSON',
        payload: new Uint8Array([0xff, 0xfe, 0x00]),
      });
      const letters = await store.deadLetters({ limit: 10 });
      expect(letters).toHaveLength(2);
      expect(letters[0]).toMatchObject({ ts: 2, sender: null, payload: '//4A', payload_encoding: 'base64' });
      expect(letters[1]).toMatchObject({
        code: 'SL_PAYLOAD_INVALID',
        payload_size: big.length,
        truncated: true,
      });
      expect(letters[1]?.payload).toBe(big.slice(0, 4096));
      expect((await store.deadLetters({ limit: 1 })).map((l) => l.ts)).toEqual([2]);
      expect((await store.counters()).deadLetters).toBe(2);
    });
  });
}
