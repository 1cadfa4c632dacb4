import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LineMetrics } from '../metrics/index.ts';
import { makeBirth, makeResult } from '../store/fixtures.ts';
import { type AgentSnapshot, createDuckDbStore, type DeadLetter, type ResultStore } from '../store/index.ts';
import { createApi } from './index.ts';

const T0 = 1_700_000_000_000;
const ref = { site: 'plant-a', line: 'line-1', agent: 'cam-1' };
let store: ResultStore;
let connected = true;
const api = (dashboardDir?: string) =>
  createApi({
    store,
    status: { brokerConnected: () => connected, startedAt: T0 - 90_000 },
    dashboardDir,
    now: () => T0,
  });

type Body = {
  window_s: number;
  now: number;
  lines: LineMetrics[];
  agents: AgentSnapshot[];
  dead_letters: DeadLetter[];
  error: { code: string; message: string };
};
const body = async (res: Response | Promise<Response>) => (await (await res).json()) as Body;

beforeEach(async () => {
  connected = true;
  store = await createDuckDbStore({ path: ':memory:' });
  // 10 results in the last 10 s (2 defects), 10 more 2-3 minutes ago (5 defects).
  const recent = Array.from({ length: 10 }, (_, i) =>
    makeResult(i, { ts: T0 - 9_000 + i * 1000, verdict: i < 2 ? 'defect' : 'ok' }),
  );
  const older = Array.from({ length: 10 }, (_, i) =>
    makeResult(100 + i, { ts: T0 - 180_000 + i * 6000, verdict: i < 5 ? 'defect' : 'ok' }),
  );
  await store.insertResults(ref, 's1', [...recent, ...older], T0);
  await store.insertResults({ ...ref, site: 'plant-0' }, 's2', [makeResult(1, { ts: T0 - 1000 })], T0);
});
afterEach(() => store.close());

describe('GET /api/health', () => {
  it('reports ok with store counters and uptime', async () => {
    await store.insertResults(ref, 's1', [makeResult(0)], T0);
    const res = await api().request('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      broker: { connected: true },
      store: { results: 21, duplicates: 1, deadLetters: 0 },
      uptime_s: 90,
    });
  });

  it('is degraded while the broker is unreachable', async () => {
    connected = false;
    expect(await body(api().request('/api/health'))).toMatchObject({
      status: 'degraded',
      broker: { connected: false },
    });
  });
});

describe('GET /api/lines', () => {
  it('defaults to a 5 minute window, sorted by site then line', async () => {
    const b = await body(api().request('/api/lines'));
    expect(b.window_s).toBe(300);
    expect(b.now).toBe(T0);
    expect(b.lines.map((l) => l.site)).toEqual(['plant-0', 'plant-a']);
    expect(b.lines[1]).toMatchObject({ inspected: 20, defects: 7, defect_rate: 0.35 });
  });

  it.each([
    ['30s', 30, 10, 2],
    ['1h', 3600, 20, 7],
    ['90', 90, 10, 2],
  ])('window=%s covers %i s', async (window, seconds, inspected, defects) => {
    const b = await body(api().request(`/api/lines?window=${window}`));
    expect(b.window_s).toBe(seconds);
    expect(b.lines[1]).toMatchObject({ inspected, defects });
  });

  it('answers a bad window with 400 and a message saying what to use', async () => {
    const res = await api().request('/api/lines?window=abc');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'SL_QUERY_INVALID', message: 'window "abc" is not a duration; use e.g. 30s, 5m, 1h' },
    });
    expect((await api().request('/api/lines?window=0s')).status).toBe(400);
    expect((await api().request('/api/lines?window=400d')).status).toBe(400);
  });
});

describe('GET /api/agents and /api/dead-letters', () => {
  it('lists agents with their latest birth', async () => {
    await store.recordBirth(ref, makeBirth('s1', T0), T0);
    const b = await body(api().request('/api/agents'));
    expect(b.agents).toHaveLength(1);
    expect(b.agents[0]).toMatchObject({ agent: 'cam-1', birth: { session: 's1' }, state: null });
  });

  it('lists dead letters newest first, up to limit', async () => {
    for (const ts of [1, 2, 3]) {
      await store.recordDeadLetter({
        ts,
        topic: 't',
        sender: null,
        code: 'SL_PAYLOAD_NOT_JSON',
        error: 'e',
        payload: 'x',
      });
    }
    const b = await body(api().request('/api/dead-letters?limit=2'));
    expect(b.dead_letters.map((d) => d.ts)).toEqual([3, 2]);
    const bad = await api().request('/api/dead-letters?limit=abc');
    expect(bad.status).toBe(400);
    expect((await body(bad)).error.code).toBe('SL_QUERY_INVALID');
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await api().request('/api/nope');
    expect(res.status).toBe(404);
    expect((await body(res)).error.code).toBe('SL_NOT_FOUND');
  });
});

describe('dashboard', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-hub-dash-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>dash</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the built files, with index.html for client-side routes', async () => {
    const app = api(dir);
    expect(await (await app.request('/')).text()).toContain('<title>dash</title>');
    const js = await app.request('/app.js');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toBe('console.log(1)');
    expect(await (await app.request('/lines/plant-a')).text()).toContain('<title>dash</title>');
    expect((await app.request('/api/health')).status).toBe(200);
  });

  it('says to run pnpm build when the dashboard is missing', async () => {
    const res = await api(join(dir, 'missing')).request('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('pnpm build');
  });
});
