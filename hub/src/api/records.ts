import { Hono } from 'hono';
import { z } from 'zod';
import type { AgentSnapshot, ResultStore } from '../store/index.ts';
import { respond } from './csv.ts';
import { intParam, parseQuery, type RouteDoc } from './route-doc.ts';

/** An agent's health as one CSV row: what the agents view shows. */
function agentRow(a: AgentSnapshot) {
  const s = a.stats;
  return {
    site: a.site,
    line: a.line,
    agent: a.agent,
    online: a.state?.online ?? null,
    last_seen_ts: a.last_seen_ts,
    mode: a.birth ? (a.birth.mode ?? 'live') : null,
    model: a.birth ? `${a.birth.model.id}@${a.birth.model.version}` : null,
    model_sha256: a.birth?.model.sha256 ?? null,
    agent_version: a.birth?.agentVersion ?? null,
    runtime: s?.runtime ?? a.birth?.runtime ?? null,
    fps_in: s?.fps.in ?? null,
    fps_processed: s?.fps.processed ?? null,
    dropped: s?.dropped ?? null,
    latency_p50_ms: s?.latency.p50 ?? null,
    latency_p95_ms: s?.latency.p95 ?? null,
    latency_p99_ms: s?.latency.p99 ?? null,
    outbox_depth: s?.outbox.depth ?? null,
    outbox_dropped: s?.outbox.dropped ?? null,
    cpu: s?.cpu ?? null,
    memory_mb: s?.memory_mb ?? null,
    temperature_c: s?.temperature_c ?? null,
    cameras: (s?.cameras ?? a.birth?.cameras ?? []).map((c) => `${c.id}:${c.state ?? '?'}`).join(' '),
  };
}

const Limit = z.object({ limit: intParam(50, 1, 1000, 'how many, newest first (1-1000)') });
const json = z.record(z.string(), z.unknown());

export const recordDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/agents',
    summary: "Each agent's latest birth, state, stats and model status",
    response: z.object({ agents: z.array(json) }),
    csv: true,
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
  app.get('/api/agents', async (c) => {
    const agents = await store.agents();
    return respond(c, { agents }, agents.map(agentRow));
  });
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
