import {
  FleetModelsResponse,
  Rollout,
  RolloutEventsResponse,
  RolloutSpec,
  RolloutsResponse,
  ThresholdsRequest,
} from '@sightline/protocol';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { intParam, parseQuery, type RouteDoc } from '../api/route-doc.ts';
import { whoOf } from '../api/who.ts';
import { HubError } from '../errors.ts';
import type { Orchestrator } from './orchestrator.ts';

const Actor = z.object({ by: z.string().max(128).optional().describe('who did it (kept with the event)') });
const RolloutThresholds = ThresholdsRequest.pick({ thresholds: true, reason: true, by: true });
const EventsQuery = z.object({ limit: intParam(200, 1, 5000, 'events, newest first') });

export const rolloutDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/rollouts',
    summary: 'Rollouts, newest first, with per-agent progress',
    response: RolloutsResponse,
  },
  {
    method: 'post',
    path: '/api/rollouts',
    summary: 'Start a rollout',
    description:
      'Targets, stages (shadow → canary → waves) and gates; a registered `ready` model only. 409 when a targeted agent is in a running rollout.',
    role: 'engineer',
    body: RolloutSpec,
    response: Rollout,
  },
  { method: 'get', path: '/api/rollouts/{id}', summary: 'One rollout', response: Rollout },
  {
    method: 'get',
    path: '/api/rollouts/{id}/events',
    summary: "A rollout's events, newest first",
    query: EventsQuery,
    response: RolloutEventsResponse,
  },
  {
    method: 'get',
    path: '/api/rollout-events',
    summary: 'Every rollout and threshold event, newest first',
    query: EventsQuery,
    response: RolloutEventsResponse,
  },
  {
    method: 'post',
    path: '/api/rollouts/{id}/promote',
    role: 'engineer',
    summary: 'Advance to the next stage now, skipping the gates',
    body: Actor,
    response: Rollout,
  },
  {
    method: 'post',
    path: '/api/rollouts/{id}/cancel',
    role: 'engineer',
    summary: 'Stop a running rollout and roll its agents back',
    body: Actor,
    response: Rollout,
  },
  {
    method: 'post',
    path: '/api/rollouts/{id}/rollback',
    role: 'engineer',
    summary: 'Roll back a rollout, finished or not',
    body: Actor,
    response: Rollout,
  },
  {
    method: 'put',
    path: '/api/rollouts/{id}/thresholds',
    summary: "Set the thresholds a running rollout's model runs with (from its shadow comparison; audited)",
    role: 'engineer',
    body: RolloutThresholds,
    response: Rollout,
  },
  {
    method: 'get',
    path: '/api/fleet/models',
    summary:
      "Each agent's live and shadow model, update phase, thresholds and desired state; the fleet's version mix",
    response: FleetModelsResponse,
  },
  {
    method: 'put',
    path: '/api/thresholds',
    summary: 'Set thresholds for a site, a line or one agent (desired state, audited)',
    role: 'engineer',
    body: ThresholdsRequest,
    response: z.object({ agents: z.array(z.string()) }),
  },
];

async function body<S extends z.ZodType>(schema: S, c: Context): Promise<z.infer<S>> {
  const raw = await c.req.json().catch(() => {
    throw new HubError('SL_REQUEST_INVALID', 'the body is not JSON');
  });
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new HubError(
    'SL_REQUEST_INVALID',
    parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
  );
}

/** Who did it: the signed-in token's name when there is one (a body's `by` is only a claim), else the claim. */
function actor(c: Context, claimed: string | undefined): string | undefined {
  const who = whoOf(c);
  return who === 'anonymous' ? claimed : who;
}

export function rolloutRoutes({ orchestrator }: { orchestrator: Orchestrator }): Hono {
  const app = new Hono();
  app.get('/api/rollouts', (c) => c.json({ rollouts: orchestrator.list() } satisfies RolloutsResponse));
  app.post('/api/rollouts', async (c) => {
    const raw = (await c.req.json().catch(() => {
      throw new HubError('SL_REQUEST_INVALID', 'the body is not JSON');
    })) as { by?: string };
    return c.json(
      await orchestrator.start(raw as never, actor(c, typeof raw?.by === 'string' ? raw.by : undefined)),
    );
  });
  app.get('/api/rollouts/:id', (c) => c.json(orchestrator.get(c.req.param('id'))));
  app.get('/api/rollouts/:id/events', (c) => {
    orchestrator.get(c.req.param('id'));
    const { limit } = parseQuery(EventsQuery, c);
    return c.json({ events: orchestrator.events({ rollout: c.req.param('id'), limit }) });
  });
  app.get('/api/rollout-events', (c) =>
    c.json({ events: orchestrator.events({ limit: parseQuery(EventsQuery, c).limit }) }),
  );
  for (const action of ['promote', 'cancel', 'rollback'] as const) {
    app.post(`/api/rollouts/:id/${action}`, async (c) => {
      const { by } = c.req.header('content-type')?.includes('json')
        ? await body(Actor, c)
        : { by: undefined };
      return c.json(await orchestrator[action](c.req.param('id'), actor(c, by)));
    });
  }
  app.put('/api/rollouts/:id/thresholds', async (c) => {
    const request = await body(RolloutThresholds, c);
    const by = actor(c, request.by);
    return c.json(
      await orchestrator.setRolloutThresholds(c.req.param('id'), { ...request, ...(by ? { by } : {}) }),
    );
  });
  app.get('/api/fleet/models', async (c) => c.json(await orchestrator.fleet()));
  app.put('/api/thresholds', async (c) => {
    const request = await body(ThresholdsRequest, c);
    const by = actor(c, request.by);
    return c.json(await orchestrator.setThresholds({ ...request, ...(by ? { by } : {}) }));
  });
  return app;
}
