import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { type Logger, pino } from 'pino';
import type { CredentialStore } from '../auth/credential-store.ts';
import { HubError } from '../errors.ts';
import type { ResultStore } from '../store/index.ts';
import { createLiveStream, type LiveStream } from '../stream/index.ts';
import { authDocs, authRoutes } from './auth.ts';
import { clockDocs, clockRoutes } from './clock.ts';
import { healthDocs, healthRoutes } from './health.ts';
import { lineDocs, lineRoutes } from './lines.ts';
import { openApiDoc, openApiRoutes } from './openapi.ts';
import { recordDocs, recordRoutes } from './records.ts';
import { resultDocs, resultRoutes } from './results.ts';
import type { RouteDoc } from './route-doc.ts';
import { apiGuard, type GuardOptions } from './security/guard.ts';
import { securityHeaders } from './security/headers.ts';
import { type BucketClock, type FrozenReference, seriesDocs, seriesRoutes } from './series.ts';
import { mountDashboard } from './static.ts';
import type { HubStatus } from './status.ts';
import { streamDocs, streamRoutes } from './stream.ts';

export type { RouteDoc } from './route-doc.ts';
export type { BucketClock } from './series.ts';
export { type HubStatus, storeOnlyStatus } from './status.ts';

export interface ApiOptions {
  store: ResultStore;
  status: HubStatus;
  /** Built dashboard served at `/`; a page saying to run `pnpm build` when missing. */
  dashboardDir?: string;
  /** Live stream source; one is made from the store when absent. */
  live?: LiveStream;
  clock?: BucketClock;
  /** A line's frozen baseline, the default p-chart reference of /api/series. */
  frozenReference?: FrozenReference;
  /** More routes (their sub-app and docs), mounted before the 404 and listed in the OpenAPI description. */
  extra?: ReadonlyArray<{ app: Hono; docs: readonly RouteDoc[] }>;
  /** Middleware run before every route (request metrics). */
  middleware?: readonly MiddlewareHandler[];
  /**
   * Who may call what (security/guard.ts): tokens, roles, origins, rate and body limits. startHub always passes
   * it; absent, the routes answer anyone (route tests through app.request).
   */
  security?: ApiSecurity;
  log?: Logger;
  now?: () => number;
}

export interface ApiSecurity extends Omit<GuardOptions, 'log'> {
  credentials: CredentialStore;
  maxBodyBytes: number;
  /** Served over HTTPS (sends HSTS). */
  https: boolean;
}

const HTTP_STATUS: Partial<Record<string, 400 | 404 | 409 | 422 | 503>> = {
  SL_QUERY_INVALID: 400,
  SL_REQUEST_INVALID: 400,
  SL_ROLLOUT_INVALID: 400,
  SL_NOT_FOUND: 404,
  SL_MODEL_NOT_FOUND: 404,
  SL_ROLLOUT_NOT_FOUND: 404,
  SL_CONFLICT: 409,
  SL_ROLLOUT_CONFLICT: 409,
  SL_BUNDLE_REJECTED: 422,
  SL_QUERY_TIMEOUT: 503,
  SL_STORE_CLOSED: 503,
};

/** The hub's HTTP API (JSON under /api) and the dashboard; each concern is a sub-app mounted here. */
export function createApi({
  store,
  status,
  dashboardDir,
  live,
  clock = { utcOffsetMinutes: 0, shiftMinutes: 480, shiftStartMinute: 360 },
  extra = [],
  frozenReference,
  middleware = [],
  security,
  log,
  now = Date.now,
}: ApiOptions): Hono {
  const app = new Hono();
  if (security) app.use('*', securityHeaders({ https: security.https }));
  app.onError((err, c) => {
    const code = err instanceof HubError ? HTTP_STATUS[err.code] : undefined;
    if (err instanceof HubError && code)
      return c.json({ error: { code: err.code, message: err.message } }, code);
    return c.json({ error: { code: 'SL_INTERNAL', message: err.message } }, 500);
  });
  for (const handler of middleware) app.use('*', handler);

  const stream = live ?? createLiveStream({ store, log: log ?? pino({ level: 'silent' }), now });
  const modules = [
    { app: healthRoutes({ status, now }), docs: healthDocs },
    { app: lineRoutes({ store, now }), docs: lineDocs },
    {
      app: seriesRoutes({ store, now, clock, ...(frozenReference ? { frozenReference } : {}) }),
      docs: seriesDocs,
    },
    { app: clockRoutes({ clock, now }), docs: clockDocs },
    { app: resultRoutes({ store }), docs: resultDocs },
    { app: recordRoutes({ store }), docs: recordDocs },
    { app: streamRoutes({ live: stream }), docs: streamDocs },
    ...(security ? [{ app: authRoutes({ credentials: security.credentials }), docs: authDocs }] : []),
    ...extra,
  ];
  if (security)
    guard(app, [...modules.flatMap((m) => m.docs), openApiDoc], security, log ?? pino({ level: 'silent' }));
  for (const m of modules) app.route('/', m.app);
  app.route(
    '/',
    openApiRoutes(
      modules.flatMap((m) => m.docs),
      '0.2.0',
    ),
  );

  app.all('/api/*', (c) =>
    c.json({ error: { code: 'SL_NOT_FOUND', message: `no API route ${c.req.method} ${c.req.path}` } }, 404),
  );
  mountDashboard(app, dashboardDir);
  return app;
}

/** Cross-origin callers (only those configured), body size, then tokens, rate and roles, ahead of every route. */
function guard(app: Hono, docs: readonly RouteDoc[], security: ApiSecurity, log: Logger): void {
  if (security.corsOrigins.length > 0) {
    const allowed = new Set(security.corsOrigins);
    app.use(
      '/api/*',
      cors({
        origin: (origin) => (allowed.has(origin) ? origin : null),
        allowHeaders: ['Authorization', 'Content-Type'],
        allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
        maxAge: 600,
      }),
    );
  }
  const limitBody = bodyLimit({
    maxSize: security.maxBodyBytes,
    onError: (c) =>
      c.json(
        {
          error: {
            code: 'SL_BODY_TOO_LARGE',
            message: `request body over ${security.maxBodyBytes} bytes (http.maxBodyBytes); send less`,
          },
        },
        413,
      ),
  });
  // Model bundle uploads are checked against the registry's own limit (registry/routes.ts).
  app.use('/api/*', (c, next) =>
    c.req.method === 'POST' && c.req.path === '/api/models' ? next() : limitBody(c, next),
  );
  const check = apiGuard(docs, { ...security, log });
  app.use('/api/*', check);
  // Prometheus scrapes with a token too (its role is in the route's docs).
  app.use('/metrics', check);
}
