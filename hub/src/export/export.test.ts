import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResult } from '../store/fixtures.ts';
import { createDuckDbStore, type DuckDbStore } from '../store/index.ts';
import { apiWith as hubApiWith } from '../testing/api-with.ts';
import { createExporter, type ExportLimits } from './exporter.ts';
import { exportDocs, exportRoutes } from './route.ts';

const log = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'sl-export-'));
const A = { site: 'plant-a', line: 'line-1', agent: 'cam-1' };
const B = { site: 'plant-a', line: 'line-2', agent: 'cam-2' };
const t0 = 1_700_000_000_000;
// A query no machine finishes in a test's lifetime, for the time limit and the concurrency cap.
const slow = `SELECT sum(range) AS s FROM range(1000000000000)
  WHERE $1::VARCHAR IS NULL AND $2::VARCHAR IS NULL AND $3::VARCHAR IS NULL AND $4::BIGINT IS NULL AND $5::BIGINT IS NULL`;

let store: DuckDbStore;
beforeAll(async () => {
  store = await createDuckDbStore({ path: join(dir, 'hub.duckdb') });
  const results = (from: number) =>
    Array.from({ length: 10 }, (_, i) => makeResult(from + i, { ts: t0 + (from + i) * 1000 }));
  await store.insertResults(A, 's1', results(0), t0);
  const defects = results(100).map((r) => ({ ...r, verdict: 'defect' as const, truth: 'ok' as const }));
  await store.insertResults(B, 's2', defects, t0);
  await store.recordEvent(A, { ts: t0, kind: 'camera_lost', severity: 'warning', message: 'cam0 lost' }, t0);
  await store.recordDeadLetter({
    ts: t0,
    topic: 't',
    sender: 'plant-a/line-2/cam-2',
    code: 'SL_X',
    error: 'e',
    payload: 'p',
  });
  await store.recordDeadLetter({ ts: t0, topic: 't', sender: null, code: 'SL_X', error: 'e', payload: 'p' });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function apiWith(limits: Partial<ExportLimits> = {}, tables?: Record<string, string>) {
  const full = { maxRows: 1000, timeoutMs: 60_000, maxConcurrent: 2, ...limits };
  const exporter = createExporter({ connect: store.connect, limits: full, log, tables, tempRoot: dir });
  return {
    exporter,
    api: hubApiWith(store, [{ app: exportRoutes({ exporter }), docs: exportDocs }]),
  };
}

const csvRows = (text: string) => text.trim().split('\n');

describe('GET /api/export', () => {
  it('streams filtered results as CSV with a download name and the row count', async () => {
    const { api } = apiWith();
    const from = t0 + 2000;
    const to = t0 + 5000;
    const res = await api.request(`/api/export?table=results&agent=cam-1&from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="sightline-results-cam-1-${from}-${to}.csv"`,
    );
    expect(res.headers.get('sightline-rows')).toBe('3');
    expect(res.headers.get('sightline-truncated')).toBeNull();
    const [header, ...rows] = csvRows(await res.text());
    expect(header?.split(',').slice(0, 5)).toEqual(['site', 'line', 'agent', 'seq', 'ts']);
    expect(rows.map((r) => r.split(',')[3]).sort()).toEqual(['2', '3', '4']);
    expect(readdirSync(dir).filter((f) => f.startsWith('sl-export-'))).toEqual([]); // temp file gone
  });

  it('names what the store keeps as ids and codes (agent, model, verdict, truth, clock), without leaking its connection setting', async () => {
    const { api } = apiWith();
    const res = await api.request('/api/export?table=results&agent=cam-2');
    const [header, first] = csvRows(await res.text());
    const row = Object.fromEntries(header?.split(',').map((k, i) => [k, first?.split(',')[i]]) ?? []);
    expect(row).toMatchObject({
      site: 'plant-a',
      line: 'line-2',
      agent: 'cam-2',
      model_id: 'default',
      model_version: '1.0.0',
      verdict: 'defect',
      truth: 'ok',
      clock: 'ok',
    });
    expect(header).not.toContain('agent_id');
    // The export connection turns insertion order off for itself only (DuckDB scope LOCAL).
    const conn = await store.connect();
    const setting = await conn.runAndReadAll("SELECT current_setting('preserve_insertion_order') AS v");
    expect(setting.getRowObjectsJS()[0]?.v).toBe(true);
    conn.closeSync();
  });

  it('writes Parquet that DuckDB reads back, for every table', async () => {
    const { api } = apiWith();
    const counts: Record<string, number> = {};
    for (const table of ['results', 'events', 'dead_letters', 'samples']) {
      const res = await api.request(`/api/export?table=${table}&site=plant-a&format=parquet`);
      expect(res.headers.get('content-type')).toBe('application/vnd.apache.parquet');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
      const file = join(dir, `${table}.parquet`);
      writeFileSync(file, bytes);
      const conn = await store.connect();
      const read = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${file}')`);
      counts[table] = Number(read.getRowObjectsJS()[0]?.n);
      conn.closeSync();
    }
    // The dead letter without a sender has no site, so site=plant-a leaves it out.
    expect(counts).toEqual({ results: 20, events: 1, dead_letters: 1, samples: 0 });
  });

  it('cuts at the row cap and says so', async () => {
    const { api } = apiWith({ maxRows: 4 });
    const res = await api.request('/api/export?table=results');
    expect(res.headers.get('sightline-truncated')).toBe('true');
    expect(csvRows(await res.text())).toHaveLength(5);
  });

  it('binds filter values: a quote in a value is data, not SQL', async () => {
    const { exporter } = apiWith();
    const file = await exporter.run({ table: 'results', format: 'csv', agent: "cam-1' OR '1'='1" });
    expect(file.rows).toBe(0);
    await file.body.cancel();
  });

  it('answers 400 naming a bad parameter', async () => {
    const { api } = apiWith();
    for (const [query, text] of [
      ['table=users', 'table "users"'],
      ['table=results&format=xlsx', 'format "xlsx"'],
      ['table=results&from=yesterday', 'from "yesterday"'],
      ['table=results&from=2000&to=1000', 'from must be before to'],
      ["table=results&agent=x'--", 'agent "x\'--"'],
      ['table=results&limit=5', 'unknown parameter limit'],
    ] as const) {
      const res = await api.request(`/api/export?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(text);
    }
  });

  it('accepts ISO times', async () => {
    const { api } = apiWith();
    const from = new Date(t0 + 100_000).toISOString();
    const res = await api.request(`/api/export?table=results&from=${from}`);
    expect(res.headers.get('sightline-rows')).toBe('10');
    await res.body?.cancel();
  });

  it('stops a query at the time limit and refuses more than maxConcurrent exports', async () => {
    const { api } = apiWith({ timeoutMs: 300, maxConcurrent: 1 }, { results: slow });
    const first = api.request('/api/export?table=results');
    const busy = await api.request('/api/export?table=results');
    expect(busy.status).toBe(429);
    expect(busy.headers.get('retry-after')).toBe('5');
    const stopped = await first;
    expect(stopped.status).toBe(503);
    expect(((await stopped.json()) as { error: { code: string } }).error.code).toBe('SL_EXPORT_TIMEOUT');
    expect(readdirSync(dir).filter((f) => f.startsWith('sl-export-'))).toEqual([]);
  });
});
