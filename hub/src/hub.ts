import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { encode, HubState, type StoreCounters, topics } from '@sightline/protocol';
import { type Logger, pino } from 'pino';
import { createApi } from './api/index.ts';
import { type CredentialStore, openCredentialStore } from './auth/credential-store.ts';
import { authStorageFor } from './auth/index.ts';
import { type BrokerPolicy, type BrokerPolicyCounters, createBrokerPolicy } from './broker/auth.ts';
import { createEmbeddedBroker, type EmbeddedBroker, type TlsFiles } from './broker/index.ts';
import { type HubConfig, type HubConfigInput, parseHubConfig } from './config/index.ts';
import { ConfigError, HubError } from './errors.ts';
import { createIngest, type Ingest, type IngestCounts } from './ingest/index.ts';
import { connectIngestClients } from './ingest/mqtt-clients.ts';
import { attachMqttSource, type MqttSource } from './ingest/mqtt-source.ts';
import { createDuckDbStore, type ResultStore, type StoreStatus } from './store/index.ts';
import { createRetention } from './store/retention.ts';
import { createLiveStream } from './stream/index.ts';

/**
 * Everything a monitoring endpoint (Prometheus /metrics) reads about ingest and the store, at once and without a
 * query. Counts are totals since start (ingest) or since the database was created (store); rates are derived
 * from them by whoever samples them.
 */
export interface HubCounters {
  broker: {
    connected: boolean;
    mode: 'embedded' | 'external';
    clients: number | null;
    /** Embedded broker: connections, publishes and subscriptions refused; messages slowed; connections cut off. */
    policy: BrokerPolicyCounters | null;
  };
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
  /** Agents' broker credentials and API tokens (`sightline-hub agents` / `tokens` change the same file). */
  credentials: CredentialStore;
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

/** Reads a certificate and key named by the config; a missing file stops start-up naming the key. */
async function readTls(
  tls: { cert: string; key: string } | undefined,
  key: string,
): Promise<TlsFiles | undefined> {
  if (!tls) return undefined;
  const read = (path: string, which: string) =>
    readFile(path).catch((cause: Error) => {
      throw new ConfigError(`${key}.${which}: cannot read ${path}: ${cause.message}`, { cause });
    });
  return { cert: await read(tls.cert, 'cert'), key: await read(tls.key, 'key') };
}

async function listen(
  app: { fetch: (req: Request) => Response | Promise<Response> },
  host: string,
  port: number,
  tls: TlsFiles | undefined,
) {
  return new Promise<Server>((resolve, reject) => {
    const server = serve({
      fetch: app.fetch,
      hostname: host,
      port,
      ...(tls ? { createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key } } : {}),
    }) as Server;
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

    const credentials = await openCredentialStore({ storage: authStorageFor(config) });
    undo.push(async () => credentials.close());
    log.info({ credentials: credentials.where }, 'credentials loaded');

    const ingest = createIngest({
      store,
      log: log.child({ component: 'ingest' }),
      maxPayloadBytes: config.ingest.maxPayloadBytes,
      clockSkewLimitMs: config.ingest.clockSkewLimitS * 1000,
    });

    let broker: EmbeddedBroker | undefined;
    let policy: BrokerPolicy | undefined;
    let source: MqttSource | undefined;
    if (config.broker.mode === 'embedded') {
      if (config.broker.allowAnonymous) {
        log.warn(
          { event: 'mqtt_anonymous_allowed' },
          'broker.allowAnonymous is on: MQTT clients without credentials may publish results for any agent. Use it in a lab only',
        );
      }
      const brokerPolicy = createBrokerPolicy({
        reservedClientIds: [config.broker.clientId],
        credentials,
        allowAnonymous: config.broker.allowAnonymous,
        limits: config.broker.limits,
        log: log.child({ component: 'broker' }),
      });
      policy = brokerPolicy;
      const stopRevoking = credentials.onRevoke((r) => brokerPolicy.disconnectAgents(r.agents));
      undo.push(async () => stopRevoking());
      broker = await createEmbeddedBroker({
        host: config.broker.host,
        port: config.broker.port,
        policy: brokerPolicy,
        tls: await readTls(config.broker.tls, 'broker.tls'),
        onUplink: (topic, payload) => ingest.accept(topic, payload),
      });
      const embedded = broker;
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
        password: config.broker.password ?? (await credentials.hubBrokerPassword()),
        ...(config.broker.ca
          ? {
              ca: await readFile(config.broker.ca).catch((cause: Error) => {
                throw new ConfigError(`broker.ca: cannot read ${config.broker.ca}: ${cause.message}`, {
                  cause,
                });
              }),
            }
          : {}),
      });
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
      broker: {
        connected: connected(),
        mode: config.broker.mode,
        clients: broker ? broker.clients : null,
        policy: policy ? policy.counters() : null,
      },
      ingest: ingest.counts,
      store: store.status(),
      totals: await store.counters(),
    });

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
      security: {
        credentials,
        anonymous: config.http.anonymous,
        corsOrigins: config.http.cors.origins,
        rateLimit: config.http.rateLimit,
        maxBodyBytes: config.http.maxBodyBytes,
        https: !!config.http.tls,
      },
    });
    if (config.http.anonymous === 'viewer') {
      log.warn(
        { event: 'http_anonymous_viewer' },
        'http.anonymous is viewer: anyone who reaches the hub can read its figures',
      );
    }
    const httpTls = await readTls(config.http.tls, 'http.tls');
    const server = await listen(app, config.http.host, config.http.port, httpTls);
    undo.push(() => closeServer(server));
    const scheme = httpTls ? 'https' : 'http';
    const httpUrl = `${scheme}://${urlHost(config.http.host)}:${(server.address() as AddressInfo).port}`;
    log.info({ url: httpUrl, dashboard: config.dashboard.dir }, 'HTTP API and dashboard listening');

    let closing: Promise<void> | undefined;
    return {
      httpUrl,
      mqttUrl,
      config,
      store,
      ingest,
      credentials,
      get connected() {
        return connected();
      },
      counters,
      close() {
        closing ??= (async () => {
          retention.stop();
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
          credentials.close();
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
