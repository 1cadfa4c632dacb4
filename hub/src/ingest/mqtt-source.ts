import { topics } from '@sightline/protocol';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { hubStatePayload } from '../broker/hub-state.ts';
import { holdPubacks } from './held-pubacks.ts';
import type { Accept } from './index.ts';

/** Every topic under an agent: uplink channels, samples, and anything unknown (dead-lettered). */
export const AGENT_TOPICS = 'sl/v1/+/+/+/#';

export interface MqttSourceOptions {
  /** Connected (or connecting) clients, made by the caller: TCP in the hub, an in-process stream in tests. */
  clients: readonly MqttClient[];
  accept: Accept;
  log: Logger;
  /** Shared-subscription group used when there is more than one client. */
  shareGroup?: string;
  now?: () => number;
}

export interface MqttSource {
  /** True while every client is connected. */
  readonly connected: boolean;
  /** Resolves once each client has subscribed for the first time. */
  ready(): Promise<void>;
  /** Publishes a downlink message at QoS 0 on a connected client; rejects when none is connected. */
  publish(topic: string, payload: string): Promise<void>;
  /** Graceful: waits for messages being stored, publishes hub state offline, disconnects. Idempotent. */
  close(options?: { force?: boolean }): Promise<void>;
}

/**
 * Feeds messages from an external broker into ingest with manual acknowledgement: a QoS 1 message's PUBACK is
 * sent only after its commit, while the connection already reads the next messages (held-pubacks.ts), so the
 * messages in flight on every connection join one group commit. Several connections share the uplink through a
 * shared subscription. A message the store could not take is left unacknowledged and the connection is dropped,
 * so the broker delivers it again on reconnect ([MQTT-4.4.0-1]).
 */
export function attachMqttSource({
  clients,
  accept,
  log,
  shareGroup = 'sightline-hub',
  now = Date.now,
}: MqttSourceOptions): MqttSource {
  const filter = clients.length > 1 ? `$share/${shareGroup}/${AGENT_TOPICS}` : AGENT_TOPICS;
  const inflight = new Set<Promise<unknown>>();
  const subscribed = clients.map(() => {
    let resolve: () => void = () => {};
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  });

  clients.forEach((client, i) => {
    const pubacks = holdPubacks(client);
    client.handleMessage = (packet, done) => {
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      // QoS 1: take the next message at once; this one's PUBACK goes out after its commit (held-pubacks.ts).
      const committed =
        packet.qos === 1 && packet.messageId !== undefined ? pubacks.hold(packet.messageId) : undefined;
      if (committed) done();
      const work = accept(packet.topic, payload, now()).then(
        () => (committed ? committed() : done()),
        (error: unknown) => {
          log.error(
            { topic: packet.topic, err: error },
            'store could not take the message; left unacknowledged',
          );
          if (!committed) done(error instanceof Error ? error : new Error(String(error)));
          // Unacknowledged messages come again only with a new connection: drop this one, MQTT.js reconnects.
          client.stream?.destroy();
        },
      );
      inflight.add(work);
      void work.finally(() => inflight.delete(work));
    };
    client.on('connect', (connack) => {
      log.info(
        { client: client.options.clientId, sessionPresent: connack.sessionPresent },
        'connected to broker',
      );
      // Mosquitto 2.0 restores a shared subscription from its persistence file without delivering to it: drop
      // and renew it on every reconnect (messages meanwhile stay queued in the session or with their senders).
      const renew = connack.sessionPresent && clients.length > 1;
      const subscribe = () =>
        client.subscribe({ [filter]: { qos: 1 } }, (err, granted) => {
          if (err || granted?.some((g) => g.qos === 128)) {
            log.error(
              { err, filter },
              "broker refused the uplink subscription; agents' messages will not arrive",
            );
            return;
          }
          if (i !== 0) return subscribed[i]?.resolve();
          client.publish(topics.hubState(), hubStatePayload(true, now()), { qos: 1, retain: true }, (e) => {
            if (e) log.warn({ err: e }, 'could not publish hub state online');
            subscribed[i]?.resolve();
          });
        });
      if (renew) client.unsubscribe(filter, () => subscribe());
      else subscribe();
    });
    client.on('offline', () => log.warn({ client: client.options.clientId }, 'broker unreachable; retrying'));
    client.on('error', (err) => log.error({ err: err.message }, 'MQTT client error'));
  });

  let closing: Promise<void> | undefined;
  return {
    get connected() {
      return clients.every((c) => c.connected);
    },
    ready: () => Promise.all(subscribed.map((s) => s.promise)).then(() => undefined),
    async publish(topic, payload) {
      const client = clients.find((c) => c.connected);
      if (!client || closing) throw new Error('no connection to the broker');
      await client.publishAsync(topic, payload, { qos: 0 });
    },
    close({ force = false } = {}) {
      closing ??= (async () => {
        if (force) {
          await Promise.all(clients.map((c) => c.endAsync(true)));
          return;
        }
        await Promise.allSettled([...inflight]);
        const first = clients[0];
        if (first?.connected) {
          await first
            .publishAsync(topics.hubState(), hubStatePayload(false, now()), {
              qos: 1,
              retain: true,
            })
            .catch((err: unknown) => log.warn({ err }, 'could not publish hub state offline'));
        }
        await Promise.all(clients.map((c) => c.endAsync(!c.connected)));
      })();
      return closing;
    },
  };
}
