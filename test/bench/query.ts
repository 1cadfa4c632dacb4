/**
 * pnpm bench:query — API query times on a store filled with synthetic results (500 agents on 100 lines over 30
 * days, ending now): `overview_ms` is GET /api/lines?window=24h (the fleet), `line_detail_ms` GET /api/series for
 * one line over 7 days in hourly buckets; medians of 5 runs after one warm-up, plus the process RSS. Prints one
 * JSON line at the end.
 *   pnpm bench:query [-- --rows 100000000]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { createApi, createDuckDbStore, storeOnlyStatus } from '@sightline/hub';
import { pino } from 'pino';
import { tempDir } from '../support/hub.ts';

const { values } = parseArgs({
  // `pnpm bench:x -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { rows: { type: 'string', default: '10000000' }, keep: { type: 'boolean', default: false } },
});
const ROWS = Number(values.rows);
const AGENTS = 500;
const PER_LINE = 5;
const DAYS = 30;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

const tmp = await tempDir('sl-bench-query-');
const path = join(tmp.dir, 'hub.duckdb');
const now = Date.now();
const start = now - DAYS * 86_400_000;

// Schema from the store itself, then rows generated inside DuckDB (the fastest way to 100M).
await (await createDuckDbStore({ path })).close();
const loadStarted = performance.now();
{
  const db = await DuckDBInstance.create(path);
  const c = await db.connect();
  await c.run(
    `INSERT INTO lines SELECT i, 'plant', 'line-' || i FROM range(1, ${AGENTS / PER_LINE + 1}) t(i)`,
  );
  await c.run(`INSERT INTO agents (agent_id, line_id, site, line, agent, last_seen_ts)
    SELECT i, (i - 1) // ${PER_LINE} + 1, 'plant', 'line-' || ((i - 1) // ${PER_LINE} + 1), 'agent-' || i, ${now}
    FROM range(1, ${AGENTS + 1}) t(i)`);
  await c.run(`INSERT INTO models VALUES (1, 'default', '1.0.0')`);
  const chunk = 10_000_000;
  for (let from = 0; from < ROWS; from += chunk) {
    const to = Math.min(ROWS, from + chunk);
    await c.run(`INSERT INTO results SELECT
        0, i % ${AGENTS} + 1, (i % ${AGENTS}) // ${PER_LINE} + 1, i // ${AGENTS},
        ${start} + (i * ${DAYS * 86_400_000} // ${ROWS}), ${start} + (i * ${DAYS * 86_400_000} // ${ROWS}),
        ${start} + (i * ${DAYS * 86_400_000} // ${ROWS}) + 50, 0, 's', 'f', 'cam0', 1,
        CASE WHEN hash(i) % 50 = 0 THEN 1 WHEN hash(i) % 97 = 0 THEN 2 ELSE 0 END,
        (hash(i) % 1000) / 1000.0, 0.5, 1.0, 2.0, 5.0, (8 + hash(i) % 20)::FLOAT, false, false, NULL, NULL, NULL, NULL,
        NULL, NULL, false -- part, recipe, pilot (schemas 3 and 4)
      FROM range(${from}, ${to}) t(i)`);
    log(`loaded ${to} rows`);
  }
  await c.run(`INSERT INTO seq_ranges SELECT agent_id, min(seq), max(seq) FROM results GROUP BY agent_id`);
  await c.run(`UPDATE counters SET value = 1 WHERE name = 'rollups_stale'`);
  c.closeSync();
  db.closeSync();
}
log('rollups…');
const store = await createDuckDbStore({ path, memoryLimit: '2GB' });
const loadS = (performance.now() - loadStarted) / 1000;
const api = createApi({
  store,
  log: pino({ level: 'silent' }),
  now: () => now,
  status: storeOnlyStatus(store, now),
});

async function median(url: string): Promise<{ ms: number; body: unknown }> {
  let body: unknown;
  const res0 = await api.request(url);
  if (res0.status !== 200) throw new Error(`${url}: ${res0.status} ${await res0.text()}`);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    body = await (await api.request(url)).json();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[2] as number, body };
}

const overview = await median('/api/lines?window=24h');
const detail = await median(
  `/api/series?site=plant&line=line-7&bucket=hour&from=${now - 7 * 86_400_000}&to=${now}`,
);
const inspected = (overview.body as { lines: Array<{ inspected: number }> }).lines.reduce(
  (s, l) => s + l.inspected,
  0,
);
const points = (detail.body as { points: unknown[] }).points.length;
const rss = process.memoryUsage().rss / 2 ** 20;
await store.close();
if (!values.keep) await tmp.remove();
else log(`kept ${path}`);
process.stdout.write(
  `${JSON.stringify({
    rows: ROWS,
    overview_ms: Number(overview.ms.toFixed(1)),
    line_detail_ms: Number(detail.ms.toFixed(1)),
    rss_mb: Math.round(rss),
    overview_inspected_24h: inspected,
    line_detail_points: points,
    load_s: Math.round(loadS),
  })}\n`,
);
process.exit(0);
