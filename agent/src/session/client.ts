import type { AgentRef } from '@sightline/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/index.ts';
import { brokerTlsOptions } from './tls.ts';

/**
 * The agent's MQTT client for the configured broker, not yet connected (`manualConnect`): the session
 * sets its will and connects it. With `protocolVersion: auto` it speaks MQTT 5 and falls back to 3.1.1
 * when the broker refuses 5.
 */
export function createBrokerClient(broker: AgentConfig['broker'], ref: AgentRef, log: Logger): MqttClient {
  const client = mqtt.connect(broker.url, {
    manualConnect: true,
    clientId: `sl-${ref.site}-${ref.line}-${ref.agent}`,
    protocolVersion: broker.protocolVersion === 'auto' ? 5 : broker.protocolVersion,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    ...(broker.username === undefined ? {} : { username: broker.username }),
    ...(broker.password === undefined ? {} : { password: broker.password }),
    ...brokerTlsOptions(broker),
  });
  client.on('error', (err) => {
    // [MQTT-3.2.2-5] CONNACK return code 1 / v5 reason 0x84: the broker does not speak this protocol level.
    const code = (err as { code?: number }).code;
    if (
      broker.protocolVersion === 'auto' &&
      client.options.protocolVersion === 5 &&
      (code === 1 || code === 0x84)
    ) {
      log.info({ event: 'mqtt_fallback' }, 'broker refuses MQTT 5; using MQTT 3.1.1');
      client.options.protocolVersion = 4;
      setTimeout(() => client.reconnect(), 0);
      return;
    }
    log.warn({ event: 'mqtt_error', err: err.message, code }, 'broker error');
  });
  return client;
}
