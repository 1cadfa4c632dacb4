import { Hono } from 'hono';
import { z } from 'zod';
import type { ResultStore } from '../store/index.ts';
import { intParam, parseQuery, type RouteDoc } from './route-doc.ts';

const Limit = z.object({ limit: intParam(50, 1, 1000, 'how many, newest first (1-1000)') });
const json = z.record(z.string(), z.unknown());

export const recordDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/agents',
    summary: "Each agent's latest birth, state, stats and model status",
    response: z.object({ agents: z.array(json) }),
  },
  {
    method: 'get',
    path: '/api/dead-letters',
    summary: 'Rejected messages kept for inspection (first 4 KiB, code, error naming the field, sender)',
    query: Limit,
    response: z.object({ dead_letters: z.array(json) }),
  },
  {
    method: 'get',
    path: '/api/events',
    summary: 'Agent events (camera lost, disk full, …), newest first',
    query: Limit,
    response: z.object({ events: z.array(json) }),
  },
];

export function recordRoutes({ store }: { store: ResultStore }): Hono {
  const app = new Hono();
  app.get('/api/agents', async (c) => c.json({ agents: await store.agents() }));
  app.get('/api/dead-letters', async (c) => {
    const { limit } = parseQuery(Limit, c);
    return c.json({ dead_letters: await store.deadLetters({ limit }) });
  });
  app.get('/api/events', async (c) => {
    const { limit } = parseQuery(Limit, c);
    return c.json({ events: await store.events({ limit }) });
  });
  return app;
}
