import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { LiveEvent, LiveStream } from '../stream/index.ts';
import { parseQuery, type RouteDoc } from './route-doc.ts';
import { windowParam } from './window.ts';

const StreamQuery = z.object({ window: windowParam(300) });

export const streamDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/stream',
    summary: 'Live updates as server-sent events',
    description:
      "Events: `line` (a LineUpdate: the line's /api/lines figures over `window`, sent within ~0.5 s of a commit that changed it), `agent` (an AgentUpdate when an agent's state or birth arrives) and `alarm` (an Alarm each time one is raised, acknowledged or cleared). A comment every 15 s keeps proxies from closing the connection.",
    query: StreamQuery,
    response: {
      contentType: 'text/event-stream',
      description: 'events `line`, `agent` and `alarm`, data as JSON',
    },
  },
];

export function streamRoutes({ live }: { live: LiveStream }): Hono {
  const app = new Hono();
  app.get('/api/stream', (c) => {
    const { window } = parseQuery(StreamQuery, c);
    return streamSSE(c, async (stream) => {
      const queue: LiveEvent[] = [];
      let wake: () => void = () => {};
      const unsubscribe = live.subscribe(window, (e) => {
        queue.push(e);
        wake();
      });
      let open = true;
      stream.onAbort(() => {
        open = false;
        wake();
      });
      try {
        await stream.writeSSE({ event: 'hello', data: JSON.stringify({ window_s: window }) });
        while (open) {
          const next = queue.shift();
          if (next) {
            await stream.writeSSE({ event: next.event, data: JSON.stringify(next.data) });
            continue;
          }
          const idle = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), 15_000);
            wake = () => {
              clearTimeout(timer);
              resolve(false);
            };
          });
          if (open && idle) await stream.write(': keep-alive\n\n');
        }
      } finally {
        unsubscribe();
      }
    });
  });
  return app;
}
