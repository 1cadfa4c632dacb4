import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { describeResultStoreContract } from './contract.ts';
import { createDuckDbStore } from './duckdb-store.ts';
import { makeBirth, makeResult } from './fixtures.ts';
import { SCHEMA_VERSION } from './schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'sl-hub-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `db-${++n}`, 'sightline.duckdb');

describeResultStoreContract('duckdb file', () => createDuckDbStore({ path: freshPath() }));
describeResultStoreContract('duckdb :memory:', () => createDuckDbStore({ path: ':memory:' }));

describe('createDuckDbStore', () => {
  const ref = { site: 's', line: 'l', agent: 'a' };

  it('keeps results, counters, dead letters and agents across a reopen', async () => {
    const path = freshPath();
    const first = await createDuckDbStore({ path });
    const batch = [1, 2, 3].map((s) =>
      makeResult(s, { camera: 'cam0', classes: { scratch: 0.9 }, image: 'img/3.jpg', truth: 'defect' }),
    );
    await first.insertResults(ref, 's1', batch, 42);
    await first.insertResults(ref, 's1', batch, 43);
    await first.recordDeadLetter({
      ts: 1,
      topic: 't',
      sender: 's/l/a',
      code: 'SL_PAYLOAD_NOT_JSON',
      error: 'e',
      payload: 'x',
    });
    await first.recordBirth(ref, makeBirth('s1', 5), 6);
    await first.close();
    await first.close(); // idempotent
    await expect(first.counters()).rejects.toThrow(/closed/);

    const second = await createDuckDbStore({ path });
    expect(await second.counters()).toEqual({ results: 3, duplicates: 3, deadLetters: 1 });
    expect((await second.agents())[0]?.birth?.session).toBe('s1');
    expect(await second.insertResults(ref, 's1', batch, 44)).toEqual({ inserted: 0, duplicates: 3 });
    await second.close();

    // The columns hold what the results said.
    const db = await DuckDBInstance.create(path);
    const conn = await db.connect();
    const rows = (
      await conn.runAndReadAll(
        'SELECT seq, received_ts, session, camera, image, truth, extra, latency_total, (SELECT max(version) FROM schema_version) AS v FROM results ORDER BY seq',
      )
    ).getRowObjectsJson();
    const ranges = (await conn.runAndReadAll('SELECT agent_id, lo, hi FROM seq_ranges')).getRowObjectsJson();
    expect(ranges).toEqual([{ agent_id: 1, lo: '1', hi: '3' }]);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      seq: '1',
      received_ts: '42',
      session: 's1',
      camera: 'cam0',
      image: 'img/3.jpg',
      truth: 1,
      latency_total: 6,
      v: SCHEMA_VERSION,
    });
    expect(JSON.parse(String(rows[0]?.extra))).toEqual({ classes: { scratch: 0.9 } });
    conn.closeSync();
    db.closeSync();
  });

  it('opens a file whose hub was killed (-9) right after creating it, with a result and a dead letter stored', async () => {
    const path = freshPath();
    // A real kill -9: a process of its own that creates the store, writes, and kills itself before closing.
    const store = resolve(import.meta.dirname, 'duckdb-store.ts');
    const fixtures = resolve(import.meta.dirname, 'fixtures.ts');
    const script = `
      const { createDuckDbStore } = await import(${JSON.stringify(store)});
      const { makeResult } = await import(${JSON.stringify(fixtures)});
      const s = await createDuckDbStore({ path: ${JSON.stringify(path)} });
      await s.insertResults({ site: 's', line: 'l', agent: 'a' }, 's1', [makeResult(1)], 1);
      await s.recordDeadLetter({ ts: 1, topic: 't', sender: null, code: 'SL_X', error: 'e', payload: 'p' });
      process.kill(process.pid, 'SIGKILL');`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    const reopened = await createDuckDbStore({ path });
    expect(await reopened.counters()).toEqual({ results: 1, duplicates: 0, deadLetters: 1 });
    await reopened.close();
  }, 150_000);

  it('recovers the raw tail after a crash before the fold: seqs still de-duplicated, figures unchanged', async () => {
    const path = freshPath();
    const t0 = 1_700_000_040_000;
    const batch = Array.from({ length: 30 }, (_, i) =>
      makeResult(i, { ts: t0 + i * 1000, verdict: i % 3 === 0 ? 'defect' : 'ok' }),
    );
    const first = await createDuckDbStore({ path });
    await first.insertResults(ref, 's1', batch, t0);
    const range = { start: t0 - 60_000, end: t0 + 120_000 };
    const before = await first.lineCounts(range);
    await first.close(); // folds the tail
    // What a crash right after the commit leaves: raw rows, no rollups, no seq_ranges, nothing folded.
    const db = await DuckDBInstance.create(path);
    const conn = await db.connect();
    await conn.run('DELETE FROM rollup_agent_minute; DELETE FROM rollup_line_minute; DELETE FROM seq_ranges');
    await conn.run("UPDATE counters SET value = 0 WHERE name = 'folded'");
    conn.closeSync();
    db.closeSync();

    const second = await createDuckDbStore({ path });
    expect(await second.insertResults(ref, 's1', batch.slice(20), t0 + 1)).toEqual({
      inserted: 0,
      duplicates: 10,
    });
    expect(await second.lineCounts(range)).toEqual(before);
    await second.close(); // folds again
    const third = await createDuckDbStore({ path });
    expect(await third.lineCounts(range)).toEqual(before);
    // Heard from when its last results arrived (the redelivery), kept by the fold across the reopen.
    expect((await third.agents()).map((a) => a.last_seen_ts)).toEqual([t0 + 1]);
    expect(before[0]).toMatchObject({ n: 30, defects: 10 });
    await third.close();
  });

  it('deletes raw rows past retention but keeps their minutes in the rollups', async () => {
    const path = freshPath();
    const t0 = 1_700_000_040_000; // a minute boundary
    const first = await createDuckDbStore({ path });
    await first.insertResults(
      ref,
      's',
      [0, 1, 2].map((i) => makeResult(i, { ts: t0 + i * 1000 })),
      t0,
    );
    await first.insertResults(ref, 's', [makeResult(3, { ts: t0 + 600_000 })], t0);
    await first.close(); // folds
    const store = await createDuckDbStore({ path });
    expect(await store.prune(t0 + 300_000)).toBe(3);
    expect((await store.counters()).results).toBe(1);
    expect((await store.results({ limit: 10 })).results.map((r) => r.seq)).toEqual([3]);
    // Whole minutes come from the rollups, which keep the pruned results.
    expect((await store.lineCounts({ start: t0 - 1, end: t0 + 660_000 - 1 }))[0]?.n).toBe(4);
    // And a replay of a pruned seq is still a duplicate.
    expect(await store.insertResults(ref, 's', [makeResult(1, { ts: t0 + 1000 })], t0)).toEqual({
      inserted: 0,
      duplicates: 1,
    });
    await store.close();
  });

  it('caps dead letters by rows, oldest out first, counting per reason and sender', async () => {
    const store = await createDuckDbStore({ path: ':memory:', deadLetters: { maxRows: 10 } });
    for (let i = 0; i < 25; i++) {
      await store.recordDeadLetter({
        ts: i,
        topic: 't',
        sender: i % 2 ? 's/l/a' : null,
        code: i % 5 ? 'SL_PAYLOAD_INVALID' : 'SL_PAYLOAD_NOT_JSON',
        error: 'e',
        payload: 'x',
      });
    }
    const status = store.status().deadLetters;
    expect(status.rows).toBeLessThanOrEqual(10);
    expect(status.evicted).toBe(25 - status.rows);
    expect((await store.deadLetters({ limit: 100 }))[0]?.ts).toBe(24);
    expect(status.byReason).toEqual({
      SL_PAYLOAD_NOT_JSON: { '(none)': 3, 's/l/a': 2 },
      SL_PAYLOAD_INVALID: { '(none)': 10, 's/l/a': 10 },
    });
    await store.close();
  });

  it('refuses a file written by a newer hub', async () => {
    const path = freshPath();
    await (await createDuckDbStore({ path })).close();
    const db = await DuckDBInstance.create(path);
    const conn = await db.connect();
    await conn.run('INSERT INTO schema_version VALUES (99, 0)');
    conn.closeSync();
    db.closeSync();
    await expect(createDuckDbStore({ path })).rejects.toMatchObject({ code: 'SL_STORE_SCHEMA_TOO_NEW' });
  });

  it('takes a 1000-result batch in one go', async () => {
    const store = await createDuckDbStore({ path: ':memory:' });
    const batch = Array.from({ length: 1000 }, (_, i) => makeResult(i));
    const commits = store.status().commits;
    expect(await store.insertResults(ref, 's', batch, 1)).toEqual({ inserted: 1000, duplicates: 0 });
    // One transaction for the whole batch (how long it takes is bench:ingest's business).
    expect(store.status().commits - commits).toBe(1);
    expect(await store.insertResults(ref, 's', batch, 2)).toEqual({ inserted: 0, duplicates: 1000 });
    await store.close();
  });
});
