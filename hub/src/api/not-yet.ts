import { Hono } from 'hono';
import type { RouteDoc } from './route-doc.ts';

/** Routes documented ahead of their handlers answer 501, so clients can be built against the schemas. */
export function notYetRoutes(docs: readonly RouteDoc[]): Hono {
  const app = new Hono();
  for (const d of docs) {
    const path = d.path.replace(/\{(\w+)\}/g, ':$1');
    app.on(d.method.toUpperCase(), path, (c) =>
      c.json(
        { error: { code: 'SL_NOT_IMPLEMENTED', message: `${d.method.toUpperCase()} ${d.path} is coming` } },
        501,
      ),
    );
  }
  return app;
}
