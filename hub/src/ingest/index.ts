import { encode, HubState, topics, UPLINK_CHANNELS } from '@sightline/protocol';
import mqtt from 'mqtt';
import type { Logger } from 'pino';
import type { SampleIngest } from '../samples/index.ts';
import type { ResultStore } from '../store/index.ts';
import { createRouter } from './route.ts';

/** How long an external MQTT 5 broker keeps the hub's session (and queued results) while it is away. */
export const SESSION_EXPIRY_S = 7 * 24 * 3600;

export interface IngestOptions {
  /** Broker URL, e.g. mqtt://127.0.0.1:1883. */
  url: string;
  store: ResultStore;
  log: Logger;
  /** Fixed id: with clean: false the broker queues QoS 1 messages for it while the hub is down. */
  clientId?: string;
  /** 5 for external brokers; 4 (MQTT 3.1.1) for the embedded aedes broker, which speaks only that. */
  protocolVersion?: 4 | 5;
  maxPayloadBytes?: number;
  /** Sample images: subscribed to and handed over when given. */
  samples?: Pick<SampleIngest, 'handle'>;
  reconnectPeriodMs?: number;
  now?: () => number;
}

export interface IngestCounts {
  /** Uplink messages handled (stored or dead-lettered). */
  messages: number;
  deadLetters: number;
  /** Messages left unacknowledged because the store failed; the broker redelivers them on reconnect. */
  storeFailures: number;
}

export interface Ingest {
  readonly connected: boolean;
  readonly counts: Readonly<IngestCounts>;
  /** Dead letters by code, for /metrics. */
  readonly deadLettersByCode: Readonly<Record<string, number>>;
  /** Resolves once connected and subscribed for the first time. */
  ready(): Promise<void>;
  /**
   * Graceful: waits for messages being stored (so their PUBACKs go out), publishes hub state offline and
   * disconnects. `force: true` drops the connection at once, like a crash: the broker publishes the will
   * and redelivers unacknowledged messages to the next hub. Idempotent.
   */
  close(options?: { force?: boolean }): Promise<void>;
}

export function createIngest({
  url,
  store,
  log,
  clientId = 'sightline-hub',
  protocolVersion = 5,
  maxPayloadBytes,
  samples,
  reconnectPeriodMs = 1000,
  now = Date.now,
}: IngestOptions): Ingest {
  const route = createRouter({ store, log, maxPayloadBytes, samples });
  const counts: IngestCounts = { messages: 0, deadLetters: 0, storeFailures: 0 };
  const deadLettersByCode: Record<string, number> = {};
  const inflight = new Set<Promise<void>>();
  const hubStateTopic = topics.hubState();
  const filters = Object.fromEntries([
    ...UPLINK_CHANNELS.map((c) => [topics.uplinkFilter(c), { qos: 1 as const }]),
    ...(samples ? [[topics.sampleFilter(), { qos: 1 as const }]] : []),
  ]);

  const client = mqtt.connect(url, {
    clientId,
    clean: false,
    protocolVersion,
    reconnectPeriod: reconnectPeriodMs,
    connectTimeout: 10_000,
    // [MQTT-3.1.2-8] the broker publishes the will if the hub vanishes without DISCONNECT.
    will: {
      topic: hubStateTopic,
      payload: Buffer.from(encode(HubState, { online: false, ts: now() })),
      qos: 1,
      retain: true,
    },
    ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: SESSION_EXPIRY_S } } : {}),
  });

  // MQTT.js sends the PUBACK when `done` is called: store first, then acknowledge, so a crash in between
  // means redelivery, which the idempotent insert turns into exactly-once. Messages are handled in order.
  client.handleMessage = (packet, done) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const work = route(packet.topic, payload, now()).then(
      (outcome) => {
        counts.messages++;
        if (outcome.kind === 'rejected') {
          counts.deadLetters++;
          deadLettersByCode[outcome.code] = (deadLettersByCode[outcome.code] ?? 0) + 1;
        }
        done();
      },
      (error: unknown) => {
        counts.storeFailures++;
        log.error(
          { topic: packet.topic, err: error },
          'store failed; message left unacknowledged for redelivery',
        );
        done(error instanceof Error ? error : new Error(String(error)));
      },
    );
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
  };

  let resolveReady: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  client.on('connect', (connack) => {
    log.info(
      { url, clientId, sessionPresent: connack.sessionPresent, protocolVersion },
      'connected to broker',
    );
    client.subscribe(filters, (err, granted) => {
      const refused = granted?.filter((g) => g.qos === 128).map((g) => g.topic) ?? [];
      if (err || refused.length > 0) {
        log.error(
          { err, refused },
          "broker refused the uplink subscriptions; agents' messages will not arrive",
        );
        return;
      }
      const online = encode(HubState, { online: true, ts: now() });
      client.publish(hubStateTopic, online, { qos: 1, retain: true }, (e) => {
        if (e) log.warn({ err: e }, 'could not publish hub state online');
        resolveReady();
      });
    });
  });
  client.on('offline', () => log.warn({ url }, 'broker unreachable; retrying'));
  client.on('error', (err) => log.error({ url, err: err.message }, 'MQTT client error'));

  let closing: Promise<void> | undefined;
  return {
    get connected() {
      return client.connected;
    },
    counts,
    deadLettersByCode,
    ready: () => readyPromise,
    close({ force = false } = {}) {
      closing ??= (async () => {
        if (force) {
          await client.endAsync(true);
          return;
        }
        await Promise.allSettled([...inflight]);
        if (client.connected) {
          const offline = encode(HubState, { online: false, ts: now() });
          await client
            .publishAsync(hubStateTopic, offline, { qos: 1, retain: true })
            .catch((err: unknown) => {
              log.warn({ err }, 'could not publish hub state offline');
            });
        }
        await client.endAsync(!client.connected);
        log.info({ url, ...counts }, 'disconnected from broker');
      })();
      return closing;
    },
  };
}
