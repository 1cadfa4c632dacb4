import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { encode, HubState, type StoreCounters, topics } from '@sightline/protocol';
import { type Logger, pino } from 'pino';
import { createApi } from './api/index.ts';
import { createConnectPolicy } from './broker/auth.ts';
import type { Downlink } from './broker/downlink.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from './broker/index.ts';
import { type HubConfig, type HubConfigInput, parseHubConfig } from './config/index.ts';
import { HubError } from './errors.ts';
import { createIngest, type Ingest, type IngestCounts } from './ingest/index.ts';
import { connectIngestClients } from './ingest/mqtt-clients.ts';
import { attachMqttSource, type MqttSource } from './ingest/mqtt-source.ts';
import { type Orchestrator, startRollouts } from './rollout/index.ts';
import { createDuckDbStore, type ResultStore, type StoreStatus } from './store/index.ts';
import { createRetention } from './store/retention.ts';
import { createLiveStream } from './stream/index.ts';

/**
 * Everything a monitoring endpoint (Prometheus /metrics) reads about ingest and the store, at once and without a
 * query. Counts are totals since start (ingest) or since the database was created (store); rates are derived
 * from them by whoever samples them.
 */
export interface HubCounters {
  broker: { connected: boolean; mode: 'embedded' | 'external'; clients: number | null };
  /** Messages handled since start: stored per channel, results inserted/duplicates, dead letters, refusals. */
  ingest: Readonly<IngestCounts>;
  /** Writer state, backlog, commit lag, commits, failures, dead letters per reason and sender. */
  store: StoreStatus;
  /** Stored totals: results, duplicates, dead letters. */
  totals: StoreCounters;
}

export interface Hub {
  /** Base URL of the API and dashboard, with the real port. */
  httpUrl: string;
  /** URL agents publish to (the embedded broker's, with its real port, or the external one). */
  mqttUrl: string;
  config: HubConfig;
  store: ResultStore;
  ingest: Ingest;
  /** Model rollouts: start, follow, promote, cancel, roll back; thresholds; the fleet's models. */
  rollouts: Orchestrator;
  /** True while the hub can receive: always with the embedded broker, while connected to an external one. */
  readonly connected: boolean;
  counters(): Promise<HubCounters>;
  /** Stops taking messages, then HTTP, then the broker, then the store; idempotent. */
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
    server.closeAllConnections();
  });
}

/** Starts store, broker (embedded unless an external URL is configured), ingest and the HTTP API. */
export async function startHub(input: HubConfigInput = {}, options: StartHubOptions = {}): Promise<Hub> {
  const config = parseHubConfig(input);
  const log = options.log ?? pino({ level: config.log.level });
  const startedAt = Date.now();
  const undo: Array<() => Promise<void>> = [];
  try {
    const store = await createDuckDbStore({
      path: config.store.path,
      readers: config.store.readers,
      queryTimeoutMs: config.store.queryTimeoutMs,
      memoryLimit: config.store.memoryLimit,
      deadLetters: config.store.deadLetters,
    });
    undo.push(() => store.close());
    log.info({ path: config.store.path }, 'store open');
    const retention = createRetention({
      store,
      days: config.store.retentionDays,
      log: log.child({ component: 'retention' }),
    });
    undo.push(async () => retention.stop());

    const ingest = createIngest({
      store,
      log: log.child({ component: 'ingest' }),
      maxPayloadBytes: config.ingest.maxPayloadBytes,
      clockSkewLimitMs: config.ingest.clockSkewLimitS * 1000,
    });

    let broker: EmbeddedBroker | undefined;
    let source: MqttSource | undefined;
    let downlink: Downlink;
    if (config.broker.mode === 'embedded') {
      broker = await createEmbeddedBroker({
        host: config.broker.host,
        port: config.broker.port,
        policy: createConnectPolicy({ reservedClientIds: [config.broker.clientId] }),
        onUplink: (topic, payload) => ingest.accept(topic, payload),
      });
      const embedded = broker;
      downlink = embedded;
      undo.push(() => embedded.close());
      await embedded.publish(topics.hubState(), encode(HubState, { online: true, ts: Date.now() }), {
        qos: 1,
        retain: true,
      });
      log.info(
        { url: broker.url, protocol: 'MQTT 3.1.1' },
        'embedded broker listening; messages stored before PUBACK',
      );
    } else {
      const clients = connectIngestClients({
        url: config.broker.url as string,
        count: config.broker.connections,
        clientId: config.broker.clientId,
        protocolVersion: config.broker.protocolVersion,
      });
      const [first] = clients;
      downlink = {
        publish: async (topic, payload, opts) => {
          await first?.publishAsync(topic, payload, opts);
        },
      };
      const mqtt = attachMqttSource({
        clients,
        accept: ingest.accept,
        log: log.child({ component: 'ingest' }),
      });
      source = mqtt;
      undo.push(() => mqtt.close({ force: true }));
    }
    const mqttUrl = broker?.url ?? (config.broker.url as string);
    const connected = () => (broker ? true : (source?.connected ?? false));
    const counters = async (): Promise<HubCounters> => ({
      broker: { connected: connected(), mode: config.broker.mode, clients: broker ? broker.clients : null },
      ingest: ingest.counts,
      store: store.status(),
      totals: await store.counters(),
    });

    const rollouts = await startRollouts({
      registry: config.registry,
      rollout: config.rollout,
      storePath: config.store.path,
      downlink,
      agents: () => store.agents(),
      log,
    });
    undo.push(() => rollouts.close());

    const live = createLiveStream({ store, log: log.child({ component: 'stream' }) });
    undo.push(async () => live.close());
    const [shiftH, shiftM] = config.metrics.shiftStart.split(':').map(Number);
    const app = createApi({
      store,
      live,
      log,
      status: {
        brokerConnected: connected,
        startedAt,
        store: () => store.status(),
        ingest: () => ingest.counts,
        counters: () => store.counters(),
      },
      clock: {
        utcOffsetMinutes: config.metrics.utcOffsetMinutes,
        shiftMinutes: config.metrics.shiftHours * 60,
        shiftStartMinute: (shiftH ?? 6) * 60 + (shiftM ?? 0),
      },
      dashboardDir: config.dashboard.dir,
      extra: rollouts.routes,
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
      rollouts: rollouts.orchestrator,
      get connected() {
        return connected();
      },
      counters,
      close() {
        closing ??= (async () => {
          retention.stop();
          await rollouts.close();
          await source?.close();
          if (broker) {
            await broker
              .publish(topics.hubState(), encode(HubState, { online: false, ts: Date.now() }), {
                qos: 1,
                retain: true,
              })
              .catch(() => undefined);
          }
          live.close();
          await closeServer(server);
          // The broker goes before the store: no message may be acknowledged after the store closed.
          await broker?.close();
          await store.close();
          log.info({ ...ingest.counts }, 'hub stopped');
        })();
        return closing;
      },
    };
  } catch (error) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw error;
  }
}
