import { HealthResponse } from '@sightline/protocol';
import { Hono } from 'hono';
import type { RouteDoc } from './route-doc.ts';
import type { HubStatus } from './status.ts';

/** Commit lag past which the hub says it is stuck. */
export const STUCK_LAG_MS = 5000;

export const healthDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/health',
    summary: 'Hub health: broker link, store counters, ingest backlog and commit lag',
    role: 'public',
    description:
      '`degraded` (with reasons) while the broker is unreachable, the store cannot write, or the oldest write waits longer than 5 s.',
    response: HealthResponse,
  },
];

export function healthRoutes({ status, now }: { status: HubStatus; now: () => number }): Hono {
  const app = new Hono();
  app.get('/api/health', async (c) => {
    const connected = status.brokerConnected();
    const store = status.store();
    const ingest = status.ingest();
    let counters: HealthResponse['store'];
    try {
      counters = await status.counters();
    } catch (e) {
      counters = { error: e instanceof Error ? e.message : String(e) };
    }
    const reasons: string[] = [];
    if (!connected) reasons.push('the hub is not connected to the MQTT broker');
    if (store.state === 'failing')
      reasons.push(`the store cannot write: ${store.lastError ?? 'unknown error'}`);
    if (store.commitLagMs > STUCK_LAG_MS) reasons.push(`the oldest write has waited ${store.commitLagMs} ms`);
    if ('error' in counters) reasons.push(`store counters unreadable: ${counters.error}`);
    const body: HealthResponse = {
      status: reasons.length === 0 ? 'ok' : 'degraded',
      reasons,
      broker: { connected },
      store: counters,
      ingest: {
        state: store.state,
        backlog: store.backlog,
        commit_lag_ms: store.commitLagMs,
        store_failures: store.failures,
        last_error: store.lastError,
        messages: ingest.messages,
        dead_letters: ingest.deadLetters,
      },
      uptime_s: Math.round((now() - status.startedAt) / 1000),
    };
    return c.json(body);
  });
  return app;
}
