import { Commands } from '@sightline/protocol';
import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import type { RecipeBook } from '../recipes/recipe-book.ts';

/**
 * The agent's local HTTP API for the PLC or MES on the line network (tested with `app.request`):
 * POST /trigger {camera?, part?} — a part to inspect; POST /recipe {recipe | index} — changeover;
 * GET /status — the recipe in force and each camera's part counts. Bodies are the MQTT commands'.
 */
export function createAgentApp(deps: {
  recipes: RecipeBook;
  trigger: (camera?: string, part?: string) => boolean;
  status: () => unknown;
  /** http.token: every request must carry it as a bearer token (compared in constant time by hono's bearerAuth). */
  token?: string;
}) {
  const app = new Hono();
  if (deps.token) app.use('*', bearerAuth({ token: deps.token }));
  // Commands are a few hundred bytes; nothing bigger is read.
  app.use('*', bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.json({ error: 'body over 16 KiB' }, 413) }));
  const body = async (c: { req: { json(): Promise<unknown> } }) => c.req.json().catch(() => ({}));
  app.post('/trigger', async (c) => {
    const parsed = Commands.trigger.safeParse(await body(c));
    if (!parsed.success)
      return c.json(
        { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') },
        400,
      );
    const taken = deps.trigger(parsed.data.camera, parsed.data.part);
    if (!taken)
      return c.json(
        {
          error: `no camera takes http triggers${parsed.data.camera ? ` as ${parsed.data.camera}` : ''} (cameras[].trigger.kind: http)`,
        },
        404,
      );
    return c.json({ ok: true }, 202);
  });
  app.post('/recipe', async (c) => {
    const parsed = Commands.recipe.safeParse(await body(c));
    if (!parsed.success) return c.json({ error: parsed.error.issues.map((i) => i.message).join('; ') }, 400);
    try {
      const { recipe, index } = parsed.data;
      const to = deps.recipes.change({
        ...(recipe === undefined ? {} : { recipe }),
        ...(index === undefined ? {} : { index }),
      });
      return c.json({ recipe: to.id });
    } catch (err) {
      return c.json({ error: (err as Error).message }, 404);
    }
  });
  app.get('/status', (c) => c.json(deps.status() as object));
  return app;
}
