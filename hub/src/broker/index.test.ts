import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedBroker, type EmbeddedBroker } from './index.ts';

let broker: EmbeddedBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

describe('createEmbeddedBroker', () => {
  it('listens on an ephemeral port and routes a QoS 1 message between MQTT 3.1.1 clients', async () => {
    broker = await createEmbeddedBroker({ port: 0 });
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);

    const sub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    await sub.subscribeAsync('t/+', { qos: 1 });
    const got = new Promise<[string, string]>((resolve) =>
      sub.on('message', (topic, payload) => resolve([topic, payload.toString()])),
    );
    await pub.publishAsync('t/a', 'hello', { qos: 1 });
    expect(await got).toEqual(['t/a', 'hello']);
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  it('refuses MQTT 5 clients (aedes 1.x speaks 3.1.1 only)', async () => {
    broker = await createEmbeddedBroker({ port: 0 });
    const attempt = mqtt.connectAsync(broker.url, {
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 2000,
    });
    await expect(attempt).rejects.toThrow();
  });

  it('close() is idempotent and drops connected clients', async () => {
    broker = await createEmbeddedBroker({ port: 0 });
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await Promise.all([broker.close(), broker.close()]);
    await closed;
    client.end(true);
  });
});
