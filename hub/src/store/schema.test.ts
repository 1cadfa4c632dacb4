import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { createDuckDbStore } from './duckdb-store.ts';
import { makeResult } from './fixtures.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'sl-hub-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file as a schema-3 hub (parts, before pilot mode) left it: results with part and recipe, rollups to rebuild. */
async function writeVersion3(path: string, t0: number): Promise<void> {
  const db = await DuckDBInstance.create(path);
  const conn = await db.connect();
  await conn.run('CREATE TABLE schema_version (version INTEGER NOT NULL, applied_ts BIGINT NOT NULL)');
  for (const [i, sql] of MIGRATIONS.slice(0, 3).entries()) {
    await conn.run(sql);
    await conn.run('INSERT INTO schema_version VALUES ($1, 0)', [i + 1]);
  }
  await conn.run(`
    INSERT INTO lines VALUES (1, 's', 'l');
    INSERT INTO agents VALUES (1, 1, 's', 'l', 'a', NULL, NULL, NULL, NULL, 0);
    INSERT INTO models VALUES (1, 'default', '1.0.0');
    INSERT INTO seq_ranges VALUES (1, 1, 3);
    UPDATE counters SET value = 1 WHERE name IN ('batch', 'folded');`);
  // seq, ts offset, verdict (1 defect), recipe
  for (const [seq, dt, verdict, recipe] of [
    [1, 0, 1, 'plate-a'],
    [2, 1000, 0, 'plate-a'],
    [3, 2000, 1, 'plate-b'],
  ] as const) {
    await conn.run(
      `INSERT INTO results VALUES (1, 1, 1, $1, $2, $2, $2, 0, 's1', 'f', NULL, 1, $3, 0.5, 0.5, 1, 1, 1, 3,
        false, false, NULL, NULL, NULL, NULL, $4, $5)`,
      [seq, t0 + dt, verdict, `P${seq}`, recipe],
    );
  }
  conn.closeSync();
  db.closeSync();
}

describe('schema migrations', () => {
  it('brings a schema-3 file to the current version: parts keep their recipe, old results count as live', async () => {
    const path = join(dir, 'v3.duckdb');
    const t0 = 1_700_000_040_000; // 40 s into a minute
    await writeVersion3(path, t0);
    const store = await createDuckDbStore({ path });
    try {
      const ref = { site: 's', line: 'l', agent: 'a' };
      // A pilot result a minute later, folded by the next commit.
      await store.insertResults(
        ref,
        's2',
        [makeResult(4, { ts: t0 + 60_000, verdict: 'defect', recipe: 'plate-b', mode: 'pilot' })],
        t0 + 61_000,
      );
      await store.insertResults(
        ref,
        's2',
        [makeResult(5, { ts: t0 + 61_000, recipe: 'plate-b' })],
        t0 + 62_000,
      );
      const window = { start: t0 - 120_000, end: t0 + 120_000 };
      const [line] = await store.lineCounts(window);
      expect(line).toMatchObject({ n: 5, defects: 3, pilot_n: 1, pilot_defects: 1 });
      const recipes = await store.recipeCounts(window);
      expect(recipes.map((r) => [r.recipe, r.n, r.defects])).toEqual([
        ['plate-a', 2, 1],
        ['plate-b', 3, 2],
      ]);
      expect(await store.result(ref, 3)).toMatchObject({ part: 'P3', recipe: 'plate-b', mode: 'live' });
      expect(await store.result(ref, 4)).toMatchObject({ recipe: 'plate-b', mode: 'pilot' });
    } finally {
      await store.close();
    }
    const db = await DuckDBInstance.create(path);
    const conn = await db.connect();
    const v = (await conn.runAndReadAll('SELECT max(version) AS v FROM schema_version')).getRowObjectsJS();
    expect(v[0]?.v).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(5); // 5: samples, after parts (3) and pilot (4)
    conn.closeSync();
    db.closeSync();
  });
});
