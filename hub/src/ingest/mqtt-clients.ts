import { topics } from '@sightline/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { hubStatePayload } from '../broker/hub-state.ts';

/** How long an external MQTT 5 broker keeps the hub's session (and queued results) while it is away. */
export const SESSION_EXPIRY_S = 7 * 24 * 3600;

export interface IngestClientOptions {
  url: string;
  /** Connections; more than one share the uplink through a shared subscription. */
  count: number;
  /** Fixed ids (`id`, `id-1`, …): with clean: false the broker queues QoS 1 messages for them while the hub is down. */
  clientId: string;
  protocolVersion: 4 | 5;
  /** The hub's broker password; each connection's username is its client id (Mosquitto's use_username_as_clientid binds them). */
  password?: string;
  /** CA certificate(s) to verify an mqtts:// broker with. */
  ca?: Buffer;
  reconnectPeriodMs?: number;
  now?: () => number;
}

/**
 * The hub's MQTT connections to an external broker. Made here and handed to the ingest source, so tests can
 * hand it clients over an in-process stream instead.
 */
export function connectIngestClients(o: IngestClientOptions): MqttClient[] {
  const now = o.now ?? Date.now;
  return Array.from({ length: o.count }, (_, i) => {
    const clientId = i === 0 ? o.clientId : `${o.clientId}-${i}`;
    return mqtt.connect(o.url, {
      clientId,
      ...(o.password ? { username: clientId, password: o.password } : {}),
      ...(o.ca ? { ca: o.ca, rejectUnauthorized: true } : {}),
      clean: false,
      protocolVersion: o.protocolVersion,
      reconnectPeriod: o.reconnectPeriodMs ?? 1000,
      connectTimeout: 10_000,
      // [MQTT-3.1.2-8] the broker publishes the will if the hub vanishes without DISCONNECT; one connection
      // carries it, so a pool member's reconnect does not tell agents the hub is gone.
      ...(i === 0
        ? {
            will: {
              topic: topics.hubState(),
              payload: Buffer.from(hubStatePayload(false, now())),
              qos: 1 as const,
              retain: true,
            },
          }
        : {}),
      ...(o.protocolVersion === 5 ? { properties: { sessionExpiryInterval: SESSION_EXPIRY_S } } : {}),
    });
  });
}
