import { encode, HubState, type ResultsAck, topics } from '@sightline/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { result } from '../outbox/fixtures.ts';
import { createSession, type Session, type SessionState } from './index.ts';
import { startTestBroker, type TestBroker, testBirth } from './test-broker.ts';

const ref = { site: 'plant', line: 'line-1', agent: 'a1' };
const log = pino({ level: 'silent' });
const AGENT_CLIENT = 'agent-under-test';

async function until<T>(what: string, probe: () => T | undefined | false, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const transports: [string, (b: TestBroker) => MqttClient][] = [
  ['in-memory streams', (b) => b.memoryClient({ clientId: AGENT_CLIENT })],
  [
    'TCP',
    (b) =>
      mqtt.connect(b.url, {
        clientId: AGENT_CLIENT,
        protocolVersion: 4,
        reconnectPeriod: 50,
        manualConnect: true,
      }),
  ],
];

describe.each(transports)('session over %s', (_name, clientFor) => {
  let broker: TestBroker;
  let hub: MqttClient;
  let session: Session | undefined;
  const seen: { topic: string; body: string; retain: boolean }[] = [];

  beforeEach(async () => {
    seen.length = 0;
    broker = await startTestBroker();
    hub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    hub.on('message', (topic, payload, packet) =>
      seen.push({ topic, body: payload.toString(), retain: packet.retain }),
    );
    await hub.subscribeAsync(`sl/v1/${ref.site}/${ref.line}/${ref.agent}/#`, { qos: 1 });
  });
  afterEach(async () => {
    await session?.close();
    session = undefined;
    await hub.endAsync();
    await broker.close();
  });

  const hubOnline = (online: boolean) =>
    hub.publishAsync(topics.hubState(), encode(HubState, { online, ts: Date.now() }), {
      qos: 1,
      retain: true,
    });

  function start(commands: unknown[] = []) {
    const states: SessionState[] = [];
    const s = createSession({
      ref,
      client: clientFor(broker),
      log,
      birth: testBirth,
      onCommand: (name, payload) => commands.push({ name, payload }),
    });
    s.onStateChange((to) => states.push(to));
    session = s;
    return { s, states };
  }

  it('announces itself, waits for the hub, then is ready; follows the hub going away', async () => {
    const { s, states } = start();
    const birth = await until('birth', () => seen.find((m) => m.topic === topics.birth(ref)));
    expect(JSON.parse(birth.body).session).toBe(s.id);
    const state = await until('state', () => seen.find((m) => m.topic === topics.state(ref)));
    expect(JSON.parse(state.body)).toMatchObject({ online: true, session: s.id });
    expect(state.retain).toBe(false); // delivered live to a subscriber; retained at the broker
    await until('waiting-for-hub', () => s.state === 'waiting-for-hub');
    expect(s.ready).toBe(false);
    await hubOnline(true);
    await until('ready', () => s.ready);
    await hubOnline(false);
    await until('waiting again', () => s.state === 'waiting-for-hub');
    expect(states).toEqual(['waiting-for-hub', 'ready', 'waiting-for-hub']);
  });

  it('publishes results with PUBACK and delivers valid commands only', async () => {
    const commands: unknown[] = [];
    const { s } = start(commands);
    await hubOnline(true);
    await until('ready', () => s.ready);
    await s.publishResults([{ seq: 7, result: result(7) }]);
    const batch = await until('results', () => seen.find((m) => m.topic === topics.results(ref)));
    expect(JSON.parse(batch.body).results[0].seq).toBe(7);
    await hub.publishAsync(topics.command(ref, 'set-threshold'), JSON.stringify({ threshold: 'high' }), {
      qos: 1,
    });
    await hub.publishAsync(topics.command(ref, 'set-threshold'), JSON.stringify({ threshold: 0.7 }), {
      qos: 1,
    });
    await until('command', () => commands.length > 0);
    expect(commands).toEqual([{ name: 'set-threshold', payload: { threshold: 0.7 } }]);
  });

  it("knows from the hub's state whether it confirms, and hands over the hub's valid acks only", async () => {
    const { s } = start();
    await hubOnline(true);
    await until('ready', () => s.ready);
    expect(s.hubConfirms).toBe(false); // an older hub: its state lists no capabilities
    const acks: ResultsAck[] = [];
    s.onAck((a) => acks.push(a));
    const state = { online: true, ts: Date.now(), capabilities: ['results-ack'] };
    await hub.publishAsync(topics.hubState(), encode(HubState, state), { qos: 1, retain: true });
    await until('hub confirms', () => s.hubConfirms);
    await hub.publishAsync(topics.ack(ref), JSON.stringify({ ts: 1, stored: [[9, 3]] }), { qos: 0 });
    await hub.publishAsync(topics.ack(ref), JSON.stringify({ ts: 2, stored: [[0, 7]] }), { qos: 0 });
    await until('an ack', () => acks.length > 0);
    expect(acks).toEqual([{ ts: 2, stored: [[0, 7]] }]);
  });

  it('after a lost connection reconnects with a new session id and a new birth', async () => {
    const { s, states } = start();
    await hubOnline(true);
    await until('ready', () => s.ready);
    const first = s.id;
    broker.dropClient(AGENT_CLIENT);
    await until('ready again', () => s.ready && s.id !== first);
    expect(states).toContain('disconnected');
    const births = () =>
      seen.filter((m) => m.topic === topics.birth(ref)).map((m) => JSON.parse(m.body).session);
    // Ready can come before the watcher has the second birth: both are in flight at once.
    await until('the second birth', () => births().length === 2);
    expect(births()).toEqual([first, s.id]);
  });

  it('leaves a retained offline state when it closes', async () => {
    const { s } = start();
    await until('waiting-for-hub', () => s.state === 'waiting-for-hub');
    const id = s.id;
    await s.close();
    session = undefined;
    expect(s.state).toBe('closed');
    const last = await until('offline state', () =>
      seen.filter((m) => m.topic === topics.state(ref)).find((m) => JSON.parse(m.body).online === false),
    );
    expect(JSON.parse(last.body).session).toBe(id);
  });
});
