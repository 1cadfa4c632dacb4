import type { HealthResponse } from '@sightline/protocol';
import { Hono } from 'hono';
import { HubError, QueryError } from '../errors.ts';
import { byLine } from '../metrics/index.ts';
import type { ResultStore } from '../store/index.ts';
import { mountDashboard } from './static.ts';
import { parseLimit, parseWindow } from './window.ts';

export interface HubStatus {
  /** True while the hub's MQTT client is connected to the broker. */
  brokerConnected(): boolean;
  /** When the hub started (ms). */
  startedAt: number;
}

export interface ApiOptions {
  store: ResultStore;
  status: HubStatus;
  /** Built dashboard served at `/`; a page saying to run `pnpm build` when missing. */
  dashboardDir?: string;
  /** Further routes and middleware (samples, export, /metrics), mounted before the built-in routes. */
  mount?: ReadonlyArray<(app: Hono) => void>;
  now?: () => number;
}

/** The body of GET /api/health. */
export type HealthBody = HealthResponse;

/** The hub's HTTP API (JSON under /api) and the dashboard. */
export function createApi({ store, status, dashboardDir, mount = [], now = Date.now }: ApiOptions): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof HubError && err.code === 'SL_QUERY_INVALID') {
      return c.json({ error: { code: err.code, message: err.message } }, 400);
    }
    return c.json({ error: { code: 'SL_INTERNAL', message: err.message } }, 500);
  });
  for (const add of mount) add(app);

  app.get('/api/health', async (c) => {
    const connected = status.brokerConnected();
    let counters: HealthBody['store'];
    try {
      counters = await store.counters();
    } catch (e) {
      counters = { error: e instanceof Error ? e.message : String(e) };
    }
    const healthy = connected && !('error' in counters);
    const body: HealthBody = {
      status: healthy ? 'ok' : 'degraded',
      broker: { connected },
      store: counters,
      uptime_s: Math.round((now() - status.startedAt) / 1000),
    };
    return c.json(body);
  });

  app.get('/api/lines', async (c) => {
    const windowS = parseWindow(c.req.query('window'));
    const at = now();
    const lines = await store.lineMetrics({ windowMs: windowS * 1000, now: at });
    return c.json({ window_s: windowS, now: at, lines: lines.sort(byLine) });
  });

  app.get('/api/agents', async (c) => c.json({ agents: await store.agents() }));

  app.get('/api/dead-letters', async (c) => {
    const limit = parseLimit(c.req.query('limit'), 50, 1000);
    return c.json({ dead_letters: await store.deadLetters({ limit }) });
  });

  app.get('/api/events', async (c) => {
    const limit = parseLimit(c.req.query('limit'), 50, 1000);
    return c.json({ events: await store.events({ limit }) });
  });

  app.get('/api/results', async (c) => {
    const limit = parseLimit(c.req.query('limit'), 100, 100_000);
    const verdict = c.req.query('verdict');
    if (verdict !== undefined && !['ok', 'defect', 'uncertain'].includes(verdict)) {
      throw new QueryError(`verdict "${verdict}" is not one of ok, defect, uncertain`);
    }
    const filters = {
      site: c.req.query('site'),
      line: c.req.query('line'),
      agent: c.req.query('agent'),
      verdict: verdict as 'ok' | 'defect' | 'uncertain' | undefined,
    };
    return c.json({ results: await store.results({ limit, ...filters }) });
  });

  app.all('/api/*', (c) =>
    c.json({ error: { code: 'SL_NOT_FOUND', message: `no API route ${c.req.method} ${c.req.path}` } }, 404),
  );

  mountDashboard(app, dashboardDir);
  return app;
}
