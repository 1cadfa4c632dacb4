import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type Mosquitto, startMosquitto } from '../support/mosquitto.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The rules `sightline-hub broker mosquitto` exports, enforced by a real Mosquitto 2.0 (Debian's /usr/sbin/mosquitto):
 * the CLI provisions agents, writes password_file, pattern acl_file and the listener include; Mosquitto loads them.
 */
const hubBin = resolve(import.meta.dirname, '..', '..', 'hub', 'bin', 'sightline-hub.js');
const exec = promisify(execFile);

let dir: string;
let broker: Mosquitto;
const clients: MqttClient[] = [];
const cli = async (...args: string[]) =>
  (await exec(process.execPath, [hubBin, ...args, '--auth-file', join(dir, 'auth.json')])).stdout;

interface AgentLogin {
  username: string;
  password: string;
}
const logins: Record<string, AgentLogin> = {};
let hubPassword = '';

async function connect(opts: IClientOptions): Promise<MqttClient> {
  const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0, connectTimeout: 30_000, ...opts });
  clients.push(client);
  return client;
}

/** The CONNACK refusal, or undefined when Mosquitto accepted the connection. */
async function refusal(opts: IClientOptions): Promise<string | undefined> {
  try {
    const client = await connect(opts);
    await client.endAsync();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The hub's reader: everything under sl/v1/ it receives, by topic. */
async function hubReader() {
  const seen: { topic: string; body: string }[] = [];
  const client = await connect({
    username: 'sightline-hub',
    password: hubPassword,
    clientId: 'sightline-hub',
  });
  await client.subscribeAsync('sl/v1/#', { qos: 1 });
  client.on('message', (topic, body) => seen.push({ topic, body: body.toString() }));
  return { client, seen };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sl-mosq-acl-'));
  for (const id of ['p/l/a1', 'p/l/a2']) {
    const snippet = parseYaml(await cli('agents', 'add', id)) as { broker: AgentLogin };
    logins[id] = snippet.broker;
  }
  hubPassword = (await cli('broker', 'password')).trim();
  await cli('broker', 'mosquitto', '--out', join(dir, 'mq'));
  broker = await startMosquitto({ auth: await readFile(join(dir, 'mq', 'sightline.conf'), 'utf8') });
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await broker?.stop();
  await rm(dir, { recursive: true, force: true });
});

const login = (id: string) => logins[id] ?? expect.fail(`no login for ${id}`);

describe('Mosquitto with the exported password_file and acl_file', { timeout: 120_000 }, () => {
  it('refuses anonymous, wrong and unknown logins; accepts an agent with its own secret', async () => {
    expect(await refusal({ clientId: 'anon' })).toMatch(/Not authorized/i);
    expect(await refusal({ username: 'p/l/a1', password: 'wrong', clientId: 'x1' })).toMatch(
      /Not authorized/i,
    );
    expect(await refusal({ username: 'p/l/nobody', password: 'x', clientId: 'x2' })).toMatch(
      /Not authorized/i,
    );
    expect(await refusal({ ...login('p/l/a1'), clientId: 'p/l/a1' })).toBeUndefined();
  });

  it('binds the client id to the username: another agent cannot take over a session', async () => {
    const hub = await hubReader();
    const a1 = await connect({ ...login('p/l/a1'), clientId: 'p/l/a1' });
    let a1Closed = false;
    a1.on('close', () => {
      a1Closed = true;
    });
    const thief = await connect({ ...login('p/l/a2'), clientId: 'p/l/a1' });
    await thief.publishAsync('sl/v1/p/l/a2/results', 'thief', { qos: 1 });
    await a1.publishAsync('sl/v1/p/l/a1/results', 'still-here', { qos: 1 });
    await waitFor('both at the hub', 30_000, () => hub.seen.filter((m) => m.body !== 'marker').length >= 2);
    expect(a1Closed).toBe(false);
    // And the hub's own id is no one else's: an agent naming it gets its own username as its id.
    const spoof = await connect({ ...login('p/l/a2'), clientId: 'sightline-hub' });
    await spoof.publishAsync('sl/v1/p/l/a2/results', 'spoof', { qos: 1 });
    await waitFor('the spoof marker', 30_000, () => hub.seen.some((m) => m.body === 'spoof'));
    expect(hub.client.connected).toBe(true);
  });

  it('shuts a revoked agent out once the files are written again and Mosquitto reloads', async () => {
    const a2 = await connect({ ...login('p/l/a2'), clientId: 'p/l/a2' });
    let closed = false;
    a2.on('close', () => {
      closed = true;
    });
    await cli('agents', 'revoke', 'p/l/a2');
    await cli('broker', 'mosquitto', '--out', join(dir, 'mq'));
    broker.reload();
    await waitFor('Mosquitto to disconnect the revoked agent', 30_000, () => closed);
    expect(await refusal({ ...login('p/l/a2'), clientId: 'p/l/a2-again' })).toMatch(/Not authorized/i);
    expect(await refusal({ ...login('p/l/a1'), clientId: 'p/l/a1-again' })).toBeUndefined();
  });
});
