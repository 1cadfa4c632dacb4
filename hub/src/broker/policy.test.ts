import { topics } from '@sightline/protocol';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../auth/auth-file.ts';
import {
  type AgentCredentials,
  type CredentialStore,
  openCredentialStore,
} from '../auth/credential-store.ts';
import { createIngest } from '../ingest/index.ts';
import { makeResult } from '../store/fixtures.ts';
import { createDuckDbStore, type ResultStore } from '../store/index.ts';
import { waitFor } from '../testing/wait-for.ts';
import { type BrokerPolicy, createBrokerPolicy } from './auth.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from './index.ts';

const log = pino({ level: 'silent' });
const A1 = { site: 'plant-a', line: 'line-1', agent: 'a1' };
const A2 = { site: 'plant-a', line: 'line-1', agent: 'a2' };
const batch = (from: number, n = 3) =>
  JSON.stringify({
    session: 's1',
    results: Array.from({ length: n }, (_, i) => ({ ...makeResult(from + i), ts: Date.now() - 1000 })),
  });

let broker: EmbeddedBroker;
let store: ResultStore;
let credentials: CredentialStore;
let policy: BrokerPolicy;
let a1: AgentCredentials;
let a2: AgentCredentials;
const clients: MqttClient[] = [];

async function start(
  opts: { allowAnonymous?: boolean; limits?: Parameters<typeof createBrokerPolicy>[0]['limits'] } = {},
) {
  const ingest = createIngest({ store, log });
  policy = createBrokerPolicy({
    reservedClientIds: ['sightline-hub'],
    credentials,
    allowAnonymous: opts.allowAnonymous ?? false,
    ...(opts.limits ? { limits: opts.limits } : {}),
    log,
  });
  credentials.onRevoke((r) => policy.disconnectAgents(r.agents));
  broker = await createEmbeddedBroker({ port: 0, policy, onUplink: (t, p) => ingest.accept(t, p) });
  await broker.publish(topics.hubState(), '{"online":true,"ts":1}', { qos: 1, retain: true });
}

const connect = async (o: IClientOptions) => {
  const c = await mqtt.connectAsync(broker.url, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...o,
  });
  clients.push(c);
  return c;
};
const as = (c: AgentCredentials, extra: IClientOptions = {}) =>
  connect({ username: c.username, password: c.password, clientId: c.clientId, ...extra });
/** The granted QoS of each filter (128: refused); MQTT.js rejects the whole call when any is refused. */
async function grants(c: MqttClient, filters: string[]): Promise<number[]> {
  try {
    const granted = await c.subscribeAsync(filters, { qos: 1 });
    return granted.map((g) => g.qos);
  } catch (error) {
    const packet = (error as { packet?: { granted?: number[] } }).packet;
    if (!packet?.granted) throw error;
    return packet.granted;
  }
}
const closed = (c: MqttClient) =>
  new Promise<void>((resolve) => (c.connected ? c.once('close', () => resolve()) : resolve()));

beforeEach(async () => {
  store = await createDuckDbStore({ path: ':memory:' });
  credentials = await openCredentialStore({ storage: createMemoryStorage() });
  a1 = await credentials.addAgent(A1);
  a2 = await credentials.addAgent(A2);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  await broker?.close();
  await store.close();
  credentials.close();
});

describe('connect', () => {
  it('refuses anonymous clients, wrong secrets, unknown agents and the hub’s id', async () => {
    await start();
    await expect(connect({ clientId: 'x' })).rejects.toThrow(/Not authorized/i);
    await expect(
      connect({ username: a1.username, password: 'guess', clientId: a1.clientId }),
    ).rejects.toThrow(/Bad username or password/i);
    await expect(
      connect({ username: 'plant-a/line-1/zz', password: a1.password, clientId: 'sl-plant-a-line-1-zz' }),
    ).rejects.toThrow(/Bad username or password/i);
    await expect(as(a1, { clientId: 'sightline-hub' })).rejects.toThrow(/Identifier rejected/i);
    expect(policy.counters().refused.connect).toBe(4);
    expect((await as(a1)).connected).toBe(true);
  });

  it('binds the client id to the identity: nobody takes over another agent’s session', async () => {
    await start();
    const victim = await as(a1);
    await expect(as(a2, { clientId: a1.clientId })).rejects.toThrow(/Identifier rejected/i);
    await expect(as(a1, { clientId: 'something-else' })).rejects.toThrow(/Identifier rejected/i);
    expect(victim.connected).toBe(true);
    // Its doctor may connect beside it with its own id.
    expect((await as(a1, { clientId: 'sl-doctor-plant-a-line-1-a1-0a1b2c' })).connected).toBe(true);
    expect(victim.connected).toBe(true);
  });

  it('a revoked agent is disconnected at once and cannot come back', async () => {
    await start();
    const agent = await as(a1);
    const other = await as(a2);
    const gone = closed(agent);
    await credentials.revokeAgent(A1);
    await gone;
    await expect(as(a1)).rejects.toThrow(/Bad username or password/i);
    expect(other.connected).toBe(true);
  });

  it('stops checking an address and user after 10 wrong secrets in a minute; other agents there go on', async () => {
    await start();
    for (let i = 0; i < 10; i++) {
      await expect(
        connect({ username: a1.username, password: `guess-${i}`, clientId: a1.clientId }),
      ).rejects.toThrow(/Bad username or password/i);
    }
    await expect(as(a1)).rejects.toThrow(/Not authorized/i);
    expect((await as(a2)).connected).toBe(true);
  }, 60_000); // ten scrypt derivations on a busy machine
});

describe('publish', () => {
  it('stores its own results; a forged batch as another agent closes the connection and stores nothing', async () => {
    await start();
    const agent = await as(a1);
    await agent.publishAsync(topics.results(A1), batch(0), { qos: 1 });
    expect((await store.counters()).results).toBe(3);
    const gone = closed(agent);
    agent.publish(topics.results(A2), batch(0), { qos: 1 });
    await gone;
    expect((await store.counters()).results).toBe(3);
    expect(policy.counters().refused.publish).toBe(1);
    // a2's own results with those seqs are stored, not taken for duplicates.
    const real = await as(a2);
    await real.publishAsync(topics.results(A2), batch(0), { qos: 1 });
    expect((await store.counters()).results).toBe(6);
  });

  it.each([
    ['a forged command', () => topics.command(A2, 'set-threshold')],
    ['its own command topic (downlink is the hub’s)', () => topics.command(A1, 'set-threshold')],
    ['a retained hub state', () => topics.hubState()],
    ['a model desired state', () => topics.modelDesired(A1)],
  ])('refuses %s', async (_what, topic) => {
    await start();
    const agent = await as(a1);
    const gone = closed(agent);
    agent.publish(topic(), '{"threshold":1e300,"online":false,"ts":1}', { qos: 1, retain: true });
    await gone;
    // The hub's retained state is untouched.
    const reader = await as(a2);
    const state = new Promise<string>((resolve) => reader.on('message', (_t, p) => resolve(p.toString())));
    await reader.subscribeAsync(topics.hubState(), { qos: 1 });
    expect(await state).toBe('{"online":true,"ts":1}');
  });
});

describe('subscribe', () => {
  it('grants its own downlink and refuses #, $SYS and other agents’ topics', async () => {
    await start();
    const agent = await as(a1);
    const filters = [
      topics.commands(A1),
      topics.modelDesired(A1),
      topics.hubState(),
      '#',
      '$SYS/#',
      topics.commands(A2),
      'sl/v1/+/+/+/results',
    ];
    expect(await grants(agent, filters)).toEqual([1, 1, 1, 128, 128, 128, 128]);
    expect(policy.counters().refused.subscribe).toBe(4);
    // What it may read reaches it; nothing else does.
    const got: string[] = [];
    agent.on('message', (t) => got.push(t));
    await broker.publish(topics.command(A2, 'rebirth'), '{}', { qos: 1, retain: false });
    await broker.publish(topics.command(A1, 'rebirth'), '{}', { qos: 1, retain: false });
    await waitFor('its command', () => got.includes(topics.command(A1, 'rebirth')));
    expect(got).not.toContain(topics.command(A2, 'rebirth'));
  });
});

describe('lab mode (broker.allowAnonymous)', () => {
  it('lets anonymous clients publish uplink, never downlink, and never use an agent’s client id', async () => {
    await start({ allowAnonymous: true });
    const lab = await connect({ clientId: 'lab-1' });
    await lab.publishAsync(topics.results(A2), batch(10), { qos: 1 });
    expect((await store.counters()).results).toBe(3);
    expect(await grants(lab, ['#', topics.commands(A2)])).toEqual([128, 1]);
    await expect(connect({ clientId: a1.clientId })).rejects.toThrow(/Identifier rejected/i);
    const gone = closed(lab);
    lab.publish(topics.hubState(), '{"online":false,"ts":1}', { qos: 1, retain: true });
    await gone;
  });
});

describe('rate limit', () => {
  it('slows a flooding connection to its rate and leaves the others alone', async () => {
    await start({
      limits: { messagesPerSecond: 50, bytesPerSecond: 0, burstSeconds: 0.2, cutOffSeconds: 60 },
    });
    const flood = await as(a1);
    const calm = await as(a2);
    const started = performance.now();
    const flooding = Promise.all(
      Array.from({ length: 60 }, (_, i) => flood.publishAsync(topics.results(A1), batch(i * 3), { qos: 1 })),
    );
    // The calm agent's message does not queue behind the flood.
    await calm.publishAsync(topics.results(A2), batch(0), { qos: 1 });
    const calmMs = performance.now() - started;
    await flooding;
    const floodMs = performance.now() - started;
    // 60 messages at 50/s with 10 in the burst: at least (60 - 10) / 50 s = 1 s, however fast the machine.
    expect(floodMs).toBeGreaterThanOrEqual(990);
    expect(calmMs).toBeLessThan(floodMs);
    // The first ~10 (the burst, plus whatever time passed while they were sent) go at once, the rest wait.
    expect(policy.counters().throttled).toBeGreaterThanOrEqual(40);
    expect((await store.counters()).results).toBe(183);
  });

  it('cuts off a connection that keeps pushing far past its rate', async () => {
    await start({
      limits: { messagesPerSecond: 10, bytesPerSecond: 0, burstSeconds: 0.1, cutOffSeconds: 0.5 },
    });
    const flood = await as(a1);
    const gone = closed(flood);
    for (let i = 0; i < 50; i++) flood.publish(topics.stats(A1), '{}', { qos: 0 });
    await gone;
    expect(policy.counters().cutOff).toBe(1);
  });
});

describe("the hub's login", () => {
  it('reads and writes everything under sl/v1/ with the hub password and a client id of its own', async () => {
    await start();
    await expect(
      connect({ username: 'sightline-hub', password: 'x', clientId: 'sightline-hub-tool' }),
    ).rejects.toThrow(/Bad username or password/i);
    const password = await credentials.hubBrokerPassword();
    await expect(
      connect({ username: 'sightline-hub', password, clientId: 'sightline-hub-2' }),
    ).rejects.toThrow(/Identifier rejected/i);
    const tool = await connect({ username: 'sightline-hub', password, clientId: 'sightline-hub-tool' });
    expect(await grants(tool, ['sl/v1/#', '#', '$SYS/#'])).toEqual([1, 128, 128]);
    await tool.publishAsync(topics.command(A1, 'rebirth'), '{}', { qos: 1 });
    await tool.publishAsync(topics.results(A2), batch(0), { qos: 1 });
    expect((await store.counters()).results).toBe(3);
  });
});
