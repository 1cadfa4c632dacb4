import type { Hono, MiddlewareHandler } from 'hono';
import { createApi, type RouteDoc } from '../api/index.ts';
import type { ResultStore } from '../store/index.ts';

/** The hub API on `store` with more routes mounted, as startHub mounts them (tests of those routes). */
export function apiWith(
  store: ResultStore,
  extra: ReadonlyArray<{ app: Hono; docs: readonly RouteDoc[] }>,
  middleware: readonly MiddlewareHandler[] = [],
): Hono {
  return createApi({
    store,
    status: {
      brokerConnected: () => true,
      startedAt: 0,
      store: () => store.status(),
      ingest: () => ({
        messages: 0,
        byChannel: {},
        results: { inserted: 0, duplicates: 0 },
        deadLetters: 0,
        storeFailures: 0,
      }),
      counters: () => store.counters(),
    },
    extra,
    middleware,
  });
}
