import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../testing/wait-for.ts';
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

    it('tells which seqs of an agent it holds, as whole intervals overlapping a span, at once after the commit', async () => {
      expect(store.storedSeqs(A, 0, 100)).toEqual([]);
      const seqs = [...range(1, 5), ...range(8, 9), 20];
      await store.insertResults(
        A,
        's1',
        seqs.map((s) => makeResult(s)),
        1,
      );
      expect(store.storedSeqs(A, 0, 100)).toEqual([
        [1, 5],
        [8, 9],
        [20, 20],
      ]);
      expect(store.storedSeqs(A, 3, 8)).toEqual([
        [1, 5],
        [8, 9],
      ]);
      expect(store.storedSeqs(A, 6, 7)).toEqual([]);
      expect(store.storedSeqs(B, 0, 100)).toEqual([]);
    });

    it('keeps a duplicate seq whose content differs as a dead letter, and a faithful resend as a plain duplicate', async () => {
      await store.insertResults(A, 's1', [makeResult(1), makeResult(2), makeResult(3)], 1);
      const resend = [makeResult(1, { replayed: true }), makeResult(2, { score: 0.9, verdict: 'defect' })];
      expect(await store.insertResults(A, 's2', resend, 2)).toEqual({ inserted: 0, duplicates: 2 });
      // The same seq twice in one message, differently: the first is stored, the second kept aside.
      const twice = [makeResult(7), makeResult(7, { frame: 'other' })];
      expect(await store.insertResults(A, 's2', twice, 3)).toEqual({ inserted: 1, duplicates: 1 });
      const letters = await waitFor(
        'both conflicts dead-lettered',
        async () => {
          const found = (await store.deadLetters({ limit: 10 })).filter(
            (l) => l.code === 'SL_DUPLICATE_CONFLICT',
          );
          return found.length === 2 ? found : undefined;
        },
        30_000,
      );
      expect(letters.map((l) => [l.sender, JSON.parse(l.payload).seq])).toEqual(
        expect.arrayContaining([
          ['plant-a/line-1/cam-1', 2],
          ['plant-a/line-1/cam-1', 7],
        ]),
      );
      expect(letters.find((l) => JSON.parse(l.payload).seq === 2)?.error).toMatch(/score 0\.1 → 0\.9/);
      expect(store.status().conflicts).toEqual({ checked: 3, found: 2, unverified: 0 });
      const stored = await store.results({ limit: 10, agent: 'cam-1' });
      expect(stored.results.find((r) => r.seq === 2)).toMatchObject({ score: 0.1, verdict: 'ok' });
    });

    it('lists results newest first, filtered, with their flags', async () => {
      await store.insertResults(
        A,
        's1',
        [makeResult(1, { ts: 10, verdict: 'defect' }), makeResult(2, { ts: 20 })],
        1,
      );
      await store.insertResults(C, 's3', [makeResult(1, { ts: 30, replayed: true })], 1);
      const all = (await store.results({ limit: 10 })).results;
      expect(all.map((r) => [r.agent, r.seq, r.ts])).toEqual([
        ['cam-3', 1, 30],
        ['cam-1', 2, 20],
        ['cam-1', 1, 10],
      ]);
      expect(all[0]).toMatchObject({ line: 'line-2', replayed: true, shadow: false });
      const defects = (await store.results({ limit: 10, verdict: 'defect' })).results;
      expect(defects.map((r) => [r.agent, r.seq])).toEqual([['cam-1', 1]]);
      expect((await store.results({ limit: 10, line: 'line-1' })).results.length).toBe(2);
      const first = await store.results({ limit: 2 });
      expect(first.results.map((r) => r.ts)).toEqual([30, 20]);
      const second = await store.results({ limit: 2, after: first.next ?? undefined });
      expect(second.results.map((r) => r.ts)).toEqual([10]);
      expect(second.next).toBeNull();
    });

    it('keys on the agent: the same seq from two agents is two results', async () => {
      await store.insertResults(A, 's1', [makeResult(1)], 1);
      expect(await store.insertResults(B, 's2', [makeResult(1)], 1)).toEqual({ inserted: 1, duplicates: 0 });
    });

    it('counts per line over the window (start, end], shadow results apart, to the millisecond', async () => {
      const t0 = 1_700_000_000_000 + 30_500; // mid-minute, so the window has partial minutes at both edges
      // line-1: 20 live results from two agents, 1 s apart; 4 defects; 10 carry truth (3 defect).
      const a = range(0, 9).map((i) =>
        makeResult(i, {
          ts: t0 + i * 2000,
          verdict: i < 2 ? 'defect' : 'ok',
          truth: i < 3 ? 'defect' : 'ok',
          latency: { capture: 1, preprocess: 1, infer: 1, total: i < 5 ? 8 : 30 },
        }),
      );
      const b = range(0, 9).map((i) =>
        makeResult(i, { ts: t0 + 1000 + i * 2000, verdict: i < 2 ? 'defect' : i === 9 ? 'uncertain' : 'ok' }),
      );
      const shadow = range(100, 109).map((i) =>
        makeResult(i, { ts: t0 + 500, verdict: 'defect', shadow: true }),
      );
      const old = [makeResult(200, { ts: t0 - 120_000, verdict: 'defect' })];
      await store.insertResults(A, 's1', [...a, ...shadow, ...old], t0);
      await store.insertResults(B, 's2', b, t0);
      await store.insertResults(C, 's3', [makeResult(1, { ts: t0 })], t0);

      const end = t0 + 19_000;
      const lines = await store.lineCounts({ start: end - 60_000, end });
      expect(lines.map((l) => l.line)).toEqual(['line-1', 'line-2']);
      const l1 = lines[0];
      expect(l1).toMatchObject({
        site: 'plant-a',
        agents: 2,
        n: 20,
        defects: 4,
        uncertain: 1,
        truth_n: 10,
        truth_defects: 3,
        shadow_n: 10,
        shadow_defects: 10,
        first_ts: t0,
        last_ts: t0 + 19_000,
        latency_max: 30,
      });
      // latency_le counts results with latency.total <= 5, 10, 20, 50, ... ms: 5 of A's at 8 ms, 10 of B's at 6 ms.
      expect(l1?.latency_le.slice(0, 4)).toEqual([0, 15, 15, 20]);
      expect(lines[1]).toMatchObject({ n: 1, agents: 1, truth_n: 0 });

      // The range is (start, end]: a result exactly at the lower edge is out, one at the upper edge in.
      const narrow = await store.lineCounts({ start: t0, end });
      expect(narrow[0]?.n).toBe(19);
      // Whole minutes come from rollups, edges from raw rows: a range over both still adds up.
      const wide = await store.lineCounts({ start: t0 - 600_000, end: t0 + 600_000 });
      expect(wide[0]).toMatchObject({ n: 21, defects: 5 });
    });

    it('counts pilot results apart within n and finds one result by agent and seq', async () => {
      const t = 1_700_000_040_000;
      await store.insertResults(
        A,
        's1',
        range(1, 6).map((s) =>
          makeResult(s, {
            ts: t + s * 1000,
            verdict: s <= 3 ? 'defect' : 'ok',
            mode: s <= 4 ? 'pilot' : 'live',
          }),
        ),
        t,
      );
      const [line] = await store.lineCounts({ start: t, end: t + 60_000 });
      expect(line).toMatchObject({ n: 6, defects: 3, pilot_n: 4, pilot_defects: 3 });
      expect(await store.result(A, 2, t + 2000)).toMatchObject({
        seq: 2,
        verdict: 'defect',
        mode: 'pilot',
        ts: t + 2000,
      });
      // A wrong hint still finds it, looking everywhere.
      expect(await store.result(A, 5, t - 86_400_000)).toMatchObject({ seq: 5, mode: 'live' });
      expect(await store.result(A, 99)).toBeNull();
      expect(await store.result(C, 1)).toBeNull();
    });

    it("gives a line's buckets from the rollups, with run time and frames from agent stats", async () => {
      const m0 = 28_333_333; // an epoch minute
      const at = (minute: number, second: number) => (m0 + minute) * 60_000 + second * 1000;
      await store.insertResults(
        A,
        's1',
        range(0, 5).map((i) =>
          makeResult(i, { ts: at(i < 3 ? 0 : 2, 10 + i), verdict: i === 0 ? 'defect' : 'ok' }),
        ),
        at(3, 0),
      );
      await store.recordStats(A, { ...makeStats('s1', at(0, 5), 2), uptime_s: 600 }, at(0, 5));
      await store.recordStats(A, { ...makeStats('s1', at(0, 35), 2), uptime_s: 630 }, at(0, 35));
      const buckets = await store.series({
        ...A,
        fromMinute: m0,
        toMinute: m0 + 4,
        bucketMinutes: 2,
        alignMinute: m0,
      });
      expect(buckets.map((b) => [b.start, b.n, b.defects])).toEqual([
        [at(0, 0), 3, 1],
        [at(2, 0), 3, 0],
      ]);
      // Stats at :05 (first, counted as a 60 s interval capped by nothing) and :35 (30 s after): 90 s of run.
      expect(buckets[0]?.run_ms).toBe(60_000);
      expect(buckets[0]?.frames_captured).toBe(2 * 90);
      // Minute 2 has results but no stats: 3 parts 1 s apart ran for 2 s plus one mean gap.
      expect(buckets[1]?.run_ms).toBe(3000);
      expect(
        await store.series({
          ...A,
          line: 'nope',
          fromMinute: m0,
          toMinute: m0 + 4,
          bucketMinutes: 1,
          alignMinute: 0,
        }),
      ).toEqual([]);
    });

    it('never gives a minute with parts in it a run time of 0, whatever its stats said of the camera', async () => {
      const m0 = 28_333_400;
      const at = (second: number) => m0 * 60_000 + second * 1000;
      // 5 parts 2 s apart; the minute's only stats came once the source had ended (camera not running: 0 ms).
      await store.insertResults(
        A,
        's1',
        range(0, 4).map((i) => makeResult(i, { ts: at(10 + 2 * i) })),
        at(30),
      );
      await store.recordStats(A, { ...makeStats('s1', at(25), 0), uptime_s: 20 }, at(25));
      const [bucket] = await store.series({
        ...A,
        fromMinute: m0,
        toMinute: m0 + 1,
        bucketMinutes: 1,
        alignMinute: 0,
      });
      expect(bucket?.n).toBe(5);
      // From first to last part plus one mean gap: 8 s · 5/4.
      expect(bucket?.run_ms).toBe(10_000);
    });

    it("splits a line's counts by recipe, folded or not, and finds every result of a part by its id", async () => {
      const t0 = 1_700_000_040_000; // 40 s into a minute: results land in two minutes
      const part = (
        seq: number,
        ts: number,
        recipe: string | undefined,
        verdict: 'ok' | 'defect',
        id: string,
      ) =>
        makeResult(seq, {
          ts,
          verdict,
          truth: verdict,
          part: { id, from: 'code' },
          ...(recipe === undefined ? {} : { recipe }),
        });
      await store.insertResults(
        A,
        's1',
        [part(1, t0, 'plate-a', 'ok', 'P1'), part(2, t0 + 5_000, 'plate-a', 'defect', 'P2')],
        1,
      );
      // A later batch folds the earlier one into the rollups; this one stays raw (the tail).
      await store.insertResults(A, 's1', [part(3, t0 + 30_000, 'plate-b', 'ok', 'P3')], 2);
      await store.insertResults(B, 's2', [part(1, t0 + 31_000, 'plate-b', 'defect', 'P4')], 3);
      await store.insertResults(C, 's3', [part(1, t0 + 32_000, undefined, 'ok', 'P2')], 4);
      const counts = await store.recipeCounts({ start: t0 - 60_000, end: t0 + 60_000 });
      expect(counts.map((c) => [c.line, c.recipe, c.n, c.defects, c.truth_n, c.truth_defects])).toEqual([
        ['line-1', 'plate-a', 2, 1, 2, 1],
        ['line-1', 'plate-b', 2, 1, 2, 1],
        ['line-2', '', 1, 0, 1, 0],
      ]);
      // Only the edge of the window: the partial minute holds A's first two parts.
      const edge = await store.recipeCounts({ start: t0 - 1, end: t0 + 10_000 });
      expect(edge.map((c) => [c.recipe, c.n])).toEqual([['plate-a', 2]]);
      const p2 = (await store.results({ limit: 10, part: 'P2' })).results;
      expect(p2.map((r) => [r.agent, r.line, r.recipe, r.verdict])).toEqual([
        ['cam-3', 'line-2', null, 'ok'],
        ['cam-1', 'line-1', 'plate-a', 'defect'],
      ]);
      expect((await store.results({ limit: 10, recipe: 'plate-b' })).results.map((r) => r.part)).toEqual([
        'P4',
        'P3',
      ]);
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

      const lines = await store.lineCounts({ start: 0, end: 1000 });
      expect(lines.map((l) => [l.line, l.n, l.first_ts])).toEqual([
        ['line-1', 0, null],
        ['line-2', 0, null],
      ]);
    });

    it('counts results as a sign of life: an agent that sends nothing else is seen when they arrive', async () => {
      await store.insertResults(A, 's1', [makeResult(0, { ts: 5 })], 70);
      await store.insertResults(A, 's1', [makeResult(1, { ts: 6 })], 90);
      await store.insertResults(A, 's1', [makeResult(1, { ts: 6 })], 95); // a redelivery is heard too
      expect((await store.agents()).map((a) => [a.agent, a.last_seen_ts])).toEqual([['cam-1', 95]]);
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
