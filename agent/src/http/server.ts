import type { AddressInfo, Server } from 'node:net';
import { serve } from '@hono/node-server';
import { AgentError } from '../errors.ts';

/** Serves an app; resolves once listening, with its URL and a close. */
export async function listenHttp(
  app: { fetch: (req: Request) => Response | Promise<Response> },
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }) as unknown as Server;
    s.once('listening', () => resolve(s));
    s.once('error', (cause: Error) =>
      reject(
        new AgentError(
          'SL_HTTP_FAILED',
          `the agent's HTTP port cannot listen on ${host}:${port} (http.port): ${cause.message}`,
          { cause },
        ),
      ),
    );
  });
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
