import type { Hono, MiddlewareHandler } from 'hono';
import { createApi, type RouteDoc } from '../api/index.ts';
import { storeOnlyStatus } from '../api/status.ts';
import type { ResultStore } from '../store/index.ts';

/** The hub API on `store` with more routes mounted, as startHub mounts them (tests of those routes). */
export function apiWith(
  store: ResultStore,
  extra: ReadonlyArray<{ app: Hono; docs: readonly RouteDoc[] }>,
  middleware: readonly MiddlewareHandler[] = [],
): Hono {
  return createApi({
    store,
    status: storeOnlyStatus(store, 0),
    extra,
    middleware,
  });
}
