import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Logger, pino } from 'pino';
import { createApi } from './api/index.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from './broker/index.ts';
import { type HubConfig, type HubConfigInput, parseHubConfig } from './config/index.ts';
import { edgeRoutes, type HubSamples, hubCounters, openSamples } from './edges.ts';
import { HubError } from './errors.ts';
import { createIngest, type Ingest } from './ingest/index.ts';
import { createDuckDbStore, type ResultStore } from './store/index.ts';

export interface Hub {
  /** Base URL of the API and dashboard, with the real port. */
  httpUrl: string;
  /** URL agents publish to (the embedded broker's, with its real port, or the external one). */
  mqttUrl: string;
  config: HubConfig;
  store: ResultStore;
  ingest: Ingest;
  /** Sample images; undefined when samples.enabled is false. */
  samples?: HubSamples;
  /** Stops ingest, then HTTP, then the broker, then samples, then the store; idempotent. */
  close(): Promise<void>;
}

export interface StartHubOptions {
  /** Logger to use; default: pino to stdout at config.log.level. */
  log?: Logger;
}

/** A URL a person can open: wildcard listen addresses become loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

async function listen(
  app: { fetch: (req: Request) => Response | Promise<Response> },
  host: string,
  port: number,
) {
  return new Promise<Server>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }) as Server;
    server.once('listening', () => resolve(server));
    server.once('error', (cause: Error) =>
      reject(
        new HubError(
          'SL_HTTP_LISTEN_FAILED',
          `HTTP cannot listen on ${host}:${port}: ${cause.message}; set http.port (SL_HUB_HTTP_PORT or --http-port) to a free port`,
          { cause },
        ),
      ),
    );
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

async function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HubError('SL_BROKER_LISTEN_FAILED', message)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts store, broker (embedded unless an external URL is configured), ingest and the HTTP API. */
export async function startHub(input: HubConfigInput = {}, options: StartHubOptions = {}): Promise<Hub> {
  const config = parseHubConfig(input);
  const log = options.log ?? pino({ level: config.log.level });
  const startedAt = Date.now();
  const undo: Array<() => Promise<void>> = [];
  try {
    const store = await createDuckDbStore({ path: config.store.path });
    undo.push(() => store.close());
    log.info({ path: config.store.path }, 'store open');

    const samples = await openSamples(config, store, log.child({ component: 'samples' }));
    if (samples) undo.push(() => samples.close());

    let broker: EmbeddedBroker | undefined;
    if (config.broker.mode === 'embedded') {
      broker = await createEmbeddedBroker({ host: config.broker.host, port: config.broker.port });
      undo.push(() => (broker as EmbeddedBroker).close());
      log.info({ url: broker.url, protocol: 'MQTT 3.1.1' }, 'embedded broker listening');
    }
    const mqttUrl = broker?.url ?? (config.broker.url as string);

    const ingest = createIngest({
      url: mqttUrl,
      store,
      log: log.child({ component: 'ingest' }),
      clientId: config.broker.clientId,
      protocolVersion: broker ? broker.protocolVersion : config.broker.protocolVersion,
      samples: samples?.ingest,
    });
    undo.push(() => ingest.close());
    // Our own broker must be subscribed before agents are told where it is; an external one may be down
    // for now, and the hub starts anyway (health says degraded until it connects).
    if (broker)
      await withDeadline(ingest.ready(), 10_000, `hub could not subscribe on its own broker ${mqttUrl}`);

    const app = createApi({
      store,
      status: { brokerConnected: () => ingest.connected, startedAt },
      dashboardDir: config.dashboard.dir,
      mount: edgeRoutes({ config, store, samples, log, read: () => hubCounters(ingest, store, samples) }),
    });
    const server = await listen(app, config.http.host, config.http.port);
    undo.push(() => closeServer(server));
    const httpUrl = `http://${urlHost(config.http.host)}:${(server.address() as AddressInfo).port}`;
    log.info({ url: httpUrl, dashboard: config.dashboard.dir }, 'HTTP API and dashboard listening');

    let closing: Promise<void> | undefined;
    return {
      httpUrl,
      mqttUrl,
      config,
      store,
      ingest,
      samples,
      close() {
        closing ??= (async () => {
          await ingest.close();
          await closeServer(server);
          await broker?.close();
          await samples?.close();
          await store.close();
          log.info('hub stopped');
        })();
        return closing;
      },
    };
  } catch (error) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw error;
  }
}
