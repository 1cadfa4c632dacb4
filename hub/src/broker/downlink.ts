import type { MqttClient } from 'mqtt';
import type { EmbeddedBroker } from './index.ts';

/** Hub → agents (hub state, acks, commands, desired state, model bundles), through whichever broker the hub uses. */
export interface Downlink {
  publish(topic: string, payload: string | Buffer, options: { qos: 0 | 1; retain: boolean }): Promise<void>;
}

export function embeddedDownlink(broker: Pick<EmbeddedBroker, 'publish'>): Downlink {
  return { publish: (topic, payload, options) => broker.publish(topic, payload, options) };
}

/** External broker: the first of the hub's MQTT connections (MQTT.js queues while it reconnects). */
export function clientDownlink(client: MqttClient): Downlink {
  return {
    async publish(topic, payload, options) {
      await client.publishAsync(topic, payload, options);
    },
  };
}
