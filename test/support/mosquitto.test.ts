import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentLogin, authFileBeside, exportForMosquitto, withCredentialsFile } from './credentials.ts';
import { tempDir } from './hub.ts';
import { type Mosquitto, startMosquitto } from './mosquitto.ts';
import { waitFor } from './wait.ts';

/**
 * The fault topologies run Mosquitto with what `sightline-hub broker mosquitto` exports: this checks that the
 * real Mosquitto then holds the hub's rules — logins checked, each agent kept to its own topics.
 */
describe('Mosquitto with the logins and ACL the hub exports', () => {
  const own = { site: 'plant', line: 'line-1', agent: 'a1' };
  const other = { site: 'plant', line: 'line-1', agent: 'a2' };
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let mosquitto: Mosquitto;
  let login: { username: string; password: string };
  let hubPassword: string;
  const clients: MqttClient[] = [];
  const connect = async (opts: mqtt.IClientOptions) => {
    const c = await mqtt.connectAsync(mosquitto.url, { protocolVersion: 4, reconnectPeriod: 0, ...opts });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    tmp = await tempDir('sl-mosquitto-auth-');
    const dbPath = join(tmp.dir, 'hub.duckdb');
    login = await agentLogin(authFileBeside(dbPath), own);
    await agentLogin(authFileBeside(dbPath), other);
    hubPassword = await withCredentialsFile(authFileBeside(dbPath), (s) => s.hubBrokerPassword());
    await exportForMosquitto(dbPath, join(tmp.dir, 'auth'));
    mosquitto = await startMosquitto({ authDir: join(tmp.dir, 'auth') });
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true);
    await mosquitto?.stop();
    await tmp?.remove();
  });

  it('refuses anonymous clients and wrong passwords', async () => {
    await expect(connect({})).rejects.toThrow(/refused/i);
    await expect(connect({ username: login.username, password: `${login.password}x` })).rejects.toThrow(
      /refused/i,
    );
  });

  it('keeps an agent to its own topics: publishing elsewhere ends its connection, and it reads only its own downlink', async () => {
    const hub = await connect({ username: 'sightline-hub', password: hubPassword });
    const seen: string[] = [];
    hub.on('message', (topic, payload) => seen.push(`${topic} ${payload}`));
    await hub.subscribeAsync('sl/v1/#', { qos: 1 });

    // MQTT 3.1.1 has no negative PUBACK: Mosquitto acknowledges a refused publish, drops it and disconnects.
    for (const topic of [
      'sl/v1/plant/line-1/a2/results',
      'sl/v1/plant/line-1/a2/cmd/set-threshold',
      'sl/v1/hub/state',
    ]) {
      const forger = await connect(login);
      const closed = new Promise<void>((r) => forger.once('close', () => r()));
      await forger.publishAsync(topic, 'forged', { qos: 1 });
      await closed;
    }
    const agent = await connect(login);
    await agent.publishAsync('sl/v1/plant/line-1/a1/events', 'own', { qos: 1 });
    await waitFor('the agent’s own event at the hub', 10_000, () => seen.length > 0);
    expect(seen).toEqual(['sl/v1/plant/line-1/a1/events own']);

    const got: string[] = [];
    agent.on('message', (topic) => got.push(topic));
    await agent.subscribeAsync(['#', 'sl/v1/plant/line-1/a2/cmd/+', 'sl/v1/plant/line-1/a1/cmd/+'], {
      qos: 1,
    });
    await hub.publishAsync('sl/v1/plant/line-1/a2/cmd/rebirth', '{}', { qos: 1 });
    await hub.publishAsync('sl/v1/plant/line-1/a1/cmd/rebirth', '{}', { qos: 1 });
    await waitFor('its own command', 10_000, () => got.length > 0);
    expect(got).toEqual(['sl/v1/plant/line-1/a1/cmd/rebirth']);
  }, 30_000);
});

describe('starting Mosquitto', () => {
  it('says so when the port is held by someone else, instead of taking their listener for its own', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    const port = (holder.address() as AddressInfo).port;
    try {
      await expect(startMosquitto({ port })).rejects.toThrow(
        `mosquitto exited before listening on port ${port}`,
      );
    } finally {
      holder.close();
    }
  }, 90_000);
});
