import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';

const NOT_BUILT = (dir: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sightline hub</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Sightline hub is running</h1>
<p>The dashboard has not been built: <code>${dir.replace(/[<>&]/g, '')}</code> does not exist.
Run <code>pnpm build</code> in the repository, then reload this page.</p>
<p>The API answers meanwhile: <a href="/api/health">/api/health</a>, <a href="/api/lines">/api/lines</a>,
<a href="/api/agents">/api/agents</a>, <a href="/api/dead-letters">/api/dead-letters</a>.</p>
</body></html>`;

/**
 * Serves the built dashboard at `/`, with index.html for any other non-API path (client-side routes).
 * Whether it exists is decided once, when the app is built; rebuild and restart the hub to pick it up.
 */
export function mountDashboard(app: Hono, dir: string | undefined): void {
  if (dir && existsSync(join(dir, 'index.html'))) {
    const files = serveStatic({ root: dir });
    const index = serveStatic({ path: join(dir, 'index.html') });
    app.use('*', async (c, next) => (c.req.path.startsWith('/api/') ? next() : files(c, next)));
    // Client routes get index.html; a missing file under /assets/ (hashed bundles) is a 404.
    app.get('*', async (c, next) =>
      c.req.path.startsWith('/api/') || c.req.path.startsWith('/assets/') ? next() : index(c, next),
    );
    return;
  }
  app.get('/', (c) => c.html(NOT_BUILT(dir ?? 'dashboard/dist')));
}
