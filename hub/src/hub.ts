import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { topics } from '@sightline/protocol';
import { type Logger, pino } from 'pino';
import { alarmDocs } from './alarms/docs.ts';
import { type AlarmBook, openAlarmBook } from './alarms/engine.ts';
import { createAlarmEvaluator } from './alarms/evaluator.ts';
import { alarmRoutes } from './alarms/routes.ts';
import { createWebhooks } from './alarms/webhooks.ts';
import { createApi } from './api/index.ts';
import { type CredentialStore, openCredentialStore } from './auth/credential-store.ts';
import { authStorageFor } from './auth/index.ts';
import { type BrokerPolicy, createBrokerPolicy } from './broker/auth.ts';
import { clientDownlink, type Downlink, embeddedDownlink } from './broker/downlink.ts';
import { hubStatePayload } from './broker/hub-state.ts';
import { createEmbeddedBroker, type EmbeddedBroker, type TlsFiles } from './broker/index.ts';
import { type HubConfig, type HubConfigInput, parseHubConfig } from './config/index.ts';
import type { HubCounters } from './counters.ts';
import { edgeRoutes, type HubSamples, openSamples } from './edges.ts';
import { ConfigError, HubError } from './errors.ts';
import { createAckPublisher } from './ingest/acks.ts';
import { createIngest, type Ingest } from './ingest/index.ts';
import { connectIngestClients } from './ingest/mqtt-clients.ts';
import { attachMqttSource, type MqttSource } from './ingest/mqtt-source.ts';
import { labelDocs } from './labels/docs.ts';
import { labelRoutes } from './labels/routes.ts';
import { createLabelService } from './labels/service.ts';
import { type Ledger, openLedger } from './ledger/index.ts';
import { createModeController, type ModeController } from './modes/controller.ts';
import { modeDocs } from './modes/docs.ts';
import { modeRoutes } from './modes/routes.ts';
import { reportDocs } from './reports/docs.ts';
import { reportRoutes } from './reports/routes.ts';
import { roiDocs } from './roi/docs.ts';
import { roiRoutes } from './roi/routes.ts';
import { createRoiService } from './roi/service.ts';
import { type Orchestrator, startRollouts } from './rollout/index.ts';
import { createDuckDbStore, type DuckDbStore } from './store/index.ts';
import { createRetention } from './store/retention.ts';
import { createLiveStream } from './stream/index.ts';

export type { HubCounters } from './counters.ts';

export interface Hub {
  /** Base URL of the API and dashboard, with the real port. */
  httpUrl: string;
  /** URL agents publish to (the embedded broker's, with its real port, or the external one). */
  mqttUrl: string;
  config: HubConfig;
  store: DuckDbStore;
  /** What people enter: line modes, ROI inputs, baselines, labels, alarms. */
  ledger: Ledger;
  /** Line modes (pilot / live) and the agents' convergence on them. */
  modes: ModeController;
  /** Alarm rules and open alarms; `evaluateAlarms` runs the timed checks now. */
  alarms: AlarmBook;
  evaluateAlarms(): Promise<void>;
  ingest: Ingest;
  /** Sample images; undefined when samples.enabled is false. */
  samples?: HubSamples;
  /** Model rollouts: start, follow, promote, cancel, roll back; thresholds; the fleet's models. */
  rollouts: Orchestrator;
  /** Agents' broker credentials and API tokens (`sightline-hub agents` / `tokens` change the same file). */
  credentials: CredentialStore;
  /** True while the hub can receive: always with the embedded broker, while connected to an external one. */
  readonly connected: boolean;
  counters(): Promise<HubCounters>;
  /** Stops taking messages, then HTTP, then the broker, then samples, then the store; idempotent. */
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
      log: log.child({ component: 'store' }),
    });
    undo.push(() => store.close());
    log.info({ path: config.store.path }, 'store open');
    const retention = createRetention({
      store,
      days: config.store.retentionDays,
      log: log.child({ component: 'retention' }),
    });
    undo.push(async () => retention.stop());
    const ledger = await openLedger(() => store.connect());
    undo.push(async () => ledger.close());
    const samples = await openSamples(config, store, log.child({ component: 'samples' }));
    if (samples) undo.push(() => samples.close());

    const credentials = await openCredentialStore({ storage: authStorageFor(config) });
    undo.push(async () => credentials.close());
    log.info({ credentials: credentials.where }, 'credentials loaded');

    // Acks go out through whichever broker link exists once it does (it is made below, after ingest).
    let downlink: Downlink | undefined;
    const acks = createAckPublisher({
      storedRanges: store.storedSeqs,
      publish: (topic, payload) =>
        downlink
          ? downlink.publish(topic, payload, { qos: 0, retain: false })
          : Promise.reject(new Error('no broker yet')),
      log: log.child({ component: 'acks' }),
    });
    const ingest = createIngest({
      store,
      log: log.child({ component: 'ingest' }),
      maxPayloadBytes: config.ingest.maxPayloadBytes,
      clockSkewLimitMs: config.ingest.clockSkewLimitS * 1000,
      acks,
      ...(samples ? { samples: samples.sink } : {}),
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
      downlink = embeddedDownlink(embedded);
      await embedded.publish(topics.hubState(), hubStatePayload(true, Date.now()), { qos: 1, retain: true });
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
      downlink = clientDownlink(clients[0] as (typeof clients)[number]);
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
      acks: acks.counts,
      store: store.status(),
      totals: await store.counters(),
      ...(samples ? { samples: samples.ingest.counts() } : {}),
    });

    const modes = createModeController({ ledger, store, downlink, log: log.child({ component: 'modes' }) });
    undo.push(async () => modes.close());
    const roi = createRoiService({ store, ledger });
    const labels = createLabelService({ store, ledger });
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
    let hubUrl = '';
    const webhooks = createWebhooks({ log: log.child({ component: 'webhooks' }), hub: () => hubUrl });
    undo.push(async () => webhooks.close());
    const alarms = await openAlarmBook({
      ledger,
      webhooks,
      onChange: (alarm) => live.broadcast({ event: 'alarm', data: alarm }),
      log: log.child({ component: 'alarms' }),
    });
    const evaluator = createAlarmEvaluator({
      store,
      ledger,
      book: alarms,
      log: log.child({ component: 'alarms' }),
      everyMs: config.alarms.evaluateEveryS * 1000,
    });
    undo.push(async () => evaluator.close());
    const [shiftH, shiftM] = config.metrics.shiftStart.split(':').map(Number);
    const edges = edgeRoutes({ config, store, samples, log, counters });
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
      frozenReference: (line) => ledger.baselines.current(line),
      middleware: edges.middleware,
      extra: [
        ...edges.extra,
        ...rollouts.routes,
        { app: modeRoutes({ modes }), docs: modeDocs },
        { app: roiRoutes({ roi }), docs: roiDocs },
        { app: labelRoutes({ labels, ledger }), docs: labelDocs },
        { app: alarmRoutes({ book: alarms, ledger }), docs: alarmDocs },
        { app: reportRoutes({ store, ledger, roi }), docs: reportDocs },
      ],
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
    hubUrl = httpUrl;
    log.info({ url: httpUrl, dashboard: config.dashboard.dir }, 'HTTP API and dashboard listening');

    let closing: Promise<void> | undefined;
    return {
      httpUrl,
      mqttUrl,
      config,
      store,
      ledger,
      modes,
      alarms,
      evaluateAlarms: () => evaluator.tick(),
      ingest,
      samples,
      rollouts: rollouts.orchestrator,
      credentials,
      get connected() {
        return connected();
      },
      counters,
      close() {
        closing ??= (async () => {
          retention.stop();
          await acks.flush();
          await rollouts.close();
          await source?.close();
          if (broker) {
            await acks.flush();
            await broker
              .publish(topics.hubState(), hubStatePayload(false, Date.now()), { qos: 1, retain: true })
              .catch(() => undefined);
          }
          live.close();
          modes.close();
          evaluator.close();
          webhooks.close();
          await closeServer(server);
          // The broker goes before the store: no message may be acknowledged after the store closed.
          await broker?.close();
          ledger.close();
          await samples?.close();
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
