import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LinesResponse, RecipesResponse, ResultsResponse, SeriesResponse } from '@sightline/protocol';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeBirth, makeResult, makeStats } from '../store/fixtures.ts';
import { createDuckDbStore, type ResultStore } from '../store/index.ts';
import { createApi } from './index.ts';

const T0 = 1_700_000_040_000; // a minute boundary
const ref = { site: 'plant-a', line: 'line-1', agent: 'cam-1' };
let store: ResultStore;
let connected = true;
const api = (dashboardDir?: string) =>
  createApi({
    store,
    log: pino({ level: 'silent' }),
    status: {
      brokerConnected: () => connected,
      startedAt: T0 - 90_000,
      store: () => store.status(),
      ingest: () => ({
        messages: 3,
        byChannel: {},
        results: { inserted: 0, duplicates: 0 },
        deadLetters: 0,
        storeFailures: 0,
      }),
      counters: () => store.counters(),
    },
    dashboardDir,
    now: () => T0,
  });
const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;

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
  it('reports ok with store counters, ingest backlog and uptime', async () => {
    const res = await api().request('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      reasons: [],
      broker: { connected: true },
      store: { results: 21, duplicates: 0, deadLetters: 0 },
      ingest: {
        state: 'ready',
        backlog: { ops: 0, results: 0 },
        commit_lag_ms: 0,
        store_failures: 0,
        last_error: null,
        messages: 3,
        dead_letters: 0,
      },
      uptime_s: 90,
    });
  });

  it('is degraded, saying why, while the broker is unreachable', async () => {
    connected = false;
    expect(await json(api().request('/api/health'))).toMatchObject({
      status: 'degraded',
      reasons: ['the hub is not connected to the MQTT broker'],
    });
  });
});

describe('GET /api/lines', () => {
  it('defaults to a 5 minute window, sorted by site then line', async () => {
    const b = await json<LinesResponse>(api().request('/api/lines'));
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
    const b = await json<LinesResponse>(api().request(`/api/lines?window=${window}`));
    expect(b.window_s).toBe(seconds);
    expect(b.lines[1]).toMatchObject({ inspected, defects });
  });

  it('reads throughput from run time; without stats, from the span of the parts in each minute', async () => {
    const b = await json<LinesResponse>(api().request('/api/lines?window=5m'));
    // T0-180 s … T0-126 s: 10 parts 6 s apart in one minute run 54 s · 10/9 = 60 s; T0-9 s … T0-1 s: 9 parts
    // 1 s apart run 8 s · 9/8 = 9 s; the part at T0 is alone in its minute: a whole minute. 129 s in all.
    expect(b.lines[1]?.run_min).toBeCloseTo(129 / 60, 10);
    expect(b.lines[1]?.parts_per_min).toBeCloseTo(20 / (129 / 60), 10);
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

describe('GET /api/series and /api/coverage', () => {
  it('gives buckets with rate, Wilson interval and p-chart limits against p̄ of the range', async () => {
    const b = await json<SeriesResponse>(
      api().request(
        `/api/series?site=plant-a&line=line-1&bucket=minute&from=${T0 - 300_000}&to=${T0 + 60_000}`,
      ),
    );
    expect(b.bucket_minutes).toBe(1);
    expect(b.reference).toMatchObject({ n: 20, x: 7, p_bar: 0.35 });
    expect(b.points.map((p) => [p.start, p.n, p.x])).toEqual([
      [T0 - 180_000, 10, 5],
      [T0 - 60_000, 9, 2],
      [T0, 1, 0],
    ]);
    const last = b.points[1];
    expect(last?.rate).toBeCloseTo(2 / 9, 10);
    expect(last?.ucl).toBeCloseTo(0.35 + 3 * Math.sqrt((0.35 * 0.65) / 9), 10);
    expect(last?.lcl).toBe(0);
    expect(last?.signal).toBeNull();
  });

  it('refuses an unknown bucket and too many points', async () => {
    expect((await api().request('/api/series?site=a&line=b&bucket=week')).status).toBe(400);
    const res = await api().request(`/api/series?site=a&line=b&bucket=minute&from=0&to=${T0}`);
    expect(res.status).toBe(400);
    expect((await json<{ error: { message: string } }>(res)).error.message).toMatch(/more than 2000 buckets/);
  });

  it('reports coverage = frames inspected / frames captured from agent stats', async () => {
    await store.recordStats(
      ref,
      { ...makeStats('s1', T0 - 30_000, 10), fps: { in: 10, processed: 8 }, uptime_s: 5 },
      T0,
    );
    const b = await json<{
      lines: Array<{ line: string; coverage: number; agents: Array<{ frames_captured: number }> }>;
    }>(api().request('/api/coverage?window=5m'));
    expect(b.lines).toHaveLength(2);
    const line = b.lines.find((l) => l.line === 'line-1' && l.agents[0]?.frames_captured === 50);
    expect(line?.coverage).toBe(0.8);
  });
});

describe('GET /api/results', () => {
  it('pages newest first with a cursor, at most 1000 a page', async () => {
    const first = await json<ResultsResponse>(api().request('/api/results?limit=15'));
    expect(first.results).toHaveLength(15);
    expect(first.results[0]?.ts).toBe(T0 - 0);
    const second = await json<ResultsResponse>(api().request(`/api/results?limit=15&after=${first.next}`));
    expect(second.results).toHaveLength(6);
    expect(second.next).toBeNull();
    const all = [...first.results, ...second.results].map((r) => `${r.site}/${r.agent}/${r.seq}`);
    expect(new Set(all).size).toBe(21);
    expect((await api().request('/api/results?limit=100000')).status).toBe(400);
    expect((await api().request('/api/results?after=nope')).status).toBe(400);
  });
});

describe('GET /api/openapi.json', () => {
  it('describes every route with its parameters and response schema', async () => {
    const doc = await json<{
      paths: Record<
        string,
        {
          get: {
            parameters: Array<{ name: string }>;
            responses: Record<string, { content?: Record<string, { schema?: { properties?: object } }> }>;
          };
        }
      >;
    }>(api().request('/api/openapi.json'));
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/agents',
      '/api/coverage',
      '/api/dead-letters',
      '/api/events',
      '/api/health',
      '/api/lines',
      '/api/openapi.json',
      '/api/recipes',
      '/api/results',
      '/api/series',
      '/api/stream',
    ]);
    expect(doc.paths['/api/series']?.get.parameters.map((p) => p.name)).toContain('bucket');
    expect(doc.paths['/api/results']?.get.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['part', 'recipe']),
    );
    const schema = doc.paths['/api/series']?.get.responses['200']?.content?.['application/json']?.schema;
    expect(Object.keys(schema?.properties ?? {})).toContain('points');
  });
});

describe('GET /api/stream', () => {
  it('sends a line update after a commit that changed the line', async () => {
    const res = await api().request('/api/stream?window=5m');
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil('event: hello');
    await store.insertResults(ref, 's1', [makeResult(500, { ts: T0 - 500, verdict: 'defect' })], T0);
    await readUntil('event: line');
    const data = JSON.parse(text.split('event: line\ndata: ')[1]?.split('\n')[0] ?? '{}');
    expect(data).toMatchObject({ site: 'plant-a', line: 'line-1', inspected: 21, defects: 8, window_s: 300 });
    await store.recordState(ref, { online: false, session: 's1', ts: T0 }, T0);
    await readUntil('event: agent');
    expect(text).toContain('"online":false');
    await reader.cancel();
  });
});

describe('GET /api/agents and /api/dead-letters', () => {
  it('lists agents with their latest birth', async () => {
    await store.recordBirth(ref, makeBirth('s1', T0), T0);
    const b = await json<{ agents: Array<{ site: string }> }>(api().request('/api/agents'));
    expect(b.agents.find((a) => a.site === 'plant-a')).toMatchObject({
      birth: { session: 's1' },
      state: null,
    });
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
    const b = await json<{ dead_letters: Array<{ ts: number }> }>(api().request('/api/dead-letters?limit=2'));
    expect(b.dead_letters.map((d) => d.ts)).toEqual([3, 2]);
    const bad = await api().request('/api/dead-letters?limit=abc');
    expect(bad.status).toBe(400);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await api().request('/api/nope');
    expect(res.status).toBe(404);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe('SL_NOT_FOUND');
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
    expect(await (await app.request('/lines/plant-a')).text()).toContain('<title>dash</title>');
    expect((await app.request('/api/health')).status).toBe(200);
  });

  it('says to run pnpm build when the dashboard is missing', async () => {
    const res = await api(join(dir, 'missing')).request('/');
    expect(await res.text()).toContain('pnpm build');
  });
});

describe('products and parts', () => {
  it('GET /api/recipes splits each line by recipe with rates and shares; /api/results?part= finds a part', async () => {
    await store.insertResults(
      { ...ref, line: 'line-9' },
      's9',
      [
        makeResult(1, {
          ts: T0 - 5000,
          recipe: 'plate-a',
          part: { id: 'P-1', from: 'code' },
          verdict: 'defect',
        }),
        makeResult(2, { ts: T0 - 4000, recipe: 'plate-a', part: { id: 'P-2', from: 'code' } }),
        makeResult(3, { ts: T0 - 3000, recipe: 'plate-b', part: { id: 'P-3', from: 'code' } }),
        makeResult(4, { ts: T0 - 2000, recipe: 'plate-b', part: { id: 'P-4', from: 'code' } }),
      ],
      T0,
    );
    const body = await json<RecipesResponse>(api().request('/api/recipes?window=60'));
    const line9 = body.lines.find((l) => l.line === 'line-9');
    expect(line9?.recipes.map((r) => [r.recipe, r.inspected, r.defects, r.share])).toEqual([
      ['plate-a', 2, 1, 0.5],
      ['plate-b', 2, 0, 0.5],
    ]);
    expect(line9?.recipes[0]?.defect_rate).toBe(0.5);
    const found = await json<ResultsResponse>(api().request('/api/results?part=P-3'));
    expect(found.results.map((r) => [r.line, r.seq, r.part, r.recipe])).toEqual([
      ['line-9', 3, 'P-3', 'plate-b'],
    ]);
  });
});
