import { GoLiveBody, type ModesResponse, SetModeBody } from '@sightline/protocol';
import { Hono } from 'hono';
import { respond } from '../api/csv.ts';
import { LinePath, parseBody, parseParams } from '../api/params.ts';
import { whoOf } from '../api/who.ts';
import type { ModeController } from './controller.ts';

export function modeRoutes({ modes }: { modes: ModeController }): Hono {
  const app = new Hono();
  app.get('/api/modes', async (c) => {
    const body: ModesResponse = { lines: await modes.list() };
    return respond(
      c,
      body,
      body.lines.map(({ history: _, agents, ...l }) => ({
        ...l,
        agents: agents.length,
        converged: agents.every((a) => a.converged),
      })),
    );
  });
  app.get('/api/lines/:site/:line/mode', async (c) => c.json(await modes.state(parseParams(LinePath, c))));
  app.put('/api/lines/:site/:line/mode', async (c) => {
    const line = parseParams(LinePath, c);
    const { mode, note } = await parseBody(SetModeBody, c);
    return c.json(await modes.set(line, { mode, note: note ?? null, who: whoOf(c) }));
  });
  app.post('/api/lines/:site/:line/go-live', async (c) => {
    const line = parseParams(LinePath, c);
    const { note } = await parseBody(GoLiveBody, c, { optional: true });
    return c.json(await modes.goLive(line, { note: note ?? null, who: whoOf(c) }));
  });
  return app;
}
