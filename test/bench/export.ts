/**
 * pnpm bench:export — GET /api/export of a large results table as CSV and as Parquet, through the hub's
 * HTTP server, reading the whole download. Rows are generated inside DuckDB (SL_BENCH_ROWS, default
 * 1 000 000, 50 agents on 10 lines). Prints one JSON line at the end: time, size and the hub's RSS growth per format.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { apiFetch } from '../support/credentials.ts';
import { startTestHub, tempDir } from '../support/hub.ts';

const ROWS = Number(process.env.SL_BENCH_ROWS ?? 1_000_000);
const rssMb = () => process.memoryUsage().rss / 1e6;

async function fill(path: string): Promise<void> {
  // The hub creates the schema; fill it from a process-local instance before the hub opens it.
  const hubFirst = await startTestHub(path);
  await hubFirst.close();
  const db = await DuckDBInstance.create(`${path}/hub.duckdb`);
  const conn = await db.connect();
  await conn.run(`INSERT INTO lines SELECT i, 'plant-a', 'line-' || i FROM range(10) t(i)`);
  await conn.run(`INSERT INTO agents (agent_id, line_id, site, line, agent, last_seen_ts)
    SELECT i, i % 10, 'plant-a', 'line-' || (i % 10), 'cam-' || i, 0 FROM range(50) t(i)`);
  await conn.run(`INSERT INTO models VALUES (0, 'default', '1.0.0')`);
  await conn.run(`
    INSERT INTO results
    SELECT 0, i % 50, i % 10, i // 50, 1700000000000 + i * 100, 1700000000000 + i * 100, 1700000000050 + i * 100,
      0, 's1', 'f-' || i, 'cam0', 0, CASE WHEN i % 20 = 0 THEN 1 ELSE 0 END, (i % 100) / 100.0, 0.5,
      1.0, 2.0, 3.0, 6.0, false, false, NULL, NULL, NULL, NULL,
      NULL, NULL, false -- part, recipe, pilot (schemas 3 and 4)
    FROM range(${ROWS}) r(i)`);
  await conn.run('INSERT INTO seq_ranges SELECT agent_id, min(seq), max(seq) FROM results GROUP BY agent_id');
  await conn.run(`UPDATE counters SET value = 1 WHERE name = 'rollups_stale'`);
  conn.closeSync();
  db.closeSync();
}

async function main(): Promise<void> {
  const tmp = await tempDir('sl-bench-export-');
  try {
    process.stderr.write(`generating ${ROWS} results…\n`);
    await fill(tmp.dir);
    const hub = await startTestHub(tmp.dir);
    const figures: Record<string, number> = { rows: ROWS };
    try {
      for (const format of (process.env.SL_BENCH_FORMATS ?? 'csv,parquet').split(',')) {
        const before = rssMb();
        let peak = before;
        const timer = setInterval(() => {
          peak = Math.max(peak, rssMb());
        }, 20);
        const started = performance.now();
        const res = await apiFetch(hub, `/api/export?table=results&format=${format}`);
        if (!res.ok) throw new Error(`export ${format}: HTTP ${res.status} ${await res.text()}`);
        let bytes = 0;
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
        figures[`${format}_ms`] = Math.round(performance.now() - started);
        clearInterval(timer);
        figures[`${format}_mb`] = Number((bytes / 1e6).toFixed(1));
        figures[`${format}_rows`] = Number(res.headers.get('sightline-rows'));
        figures[`${format}_rss_growth_mb`] = Math.round(peak - before);
        process.stderr.write(`${format}: ${figures[`${format}_ms`]} ms, ${figures[`${format}_mb`]} MB\n`);
      }
    } finally {
      await hub.close();
    }
    console.log(JSON.stringify(figures));
  } finally {
    await tmp.remove();
  }
}

await main();
