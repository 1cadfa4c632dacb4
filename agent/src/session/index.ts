import {
  AgentEvent,
  type AgentEvent as AgentEventMessage,
  type AgentRef,
  AgentState,
  Birth,
  type Birth as BirthMessage,
  type CommandName,
  Commands,
  decode,
  encode,
  HubState,
  parseTopic,
  ResultsBatch,
  Stats,
  type Stats as StatsMessage,
  topics,
} from '@sightline/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { OutboxEntry } from '../outbox/index.ts';

export interface SessionOptions {
  ref: AgentRef;
  url: string;
  protocolVersion: 'auto' | 4 | 5;
  username?: string;
  password?: string;
  /** Builds the birth message for a new session id. */
  birth: (session: string) => BirthMessage;
  onCommand: (name: CommandName, payload: unknown) => void;
  /** Called whenever `ready` may have changed. */
  onReadyChange: (ready: boolean) => void;
  log: Logger;
}

export interface Session {
  /** Connected to the broker and the hub says it is online: results may flow. */
  readonly ready: boolean;
  readonly id: string;
  publishResults(entries: readonly OutboxEntry[]): Promise<void>;
  publishStats(stats: Omit<StatsMessage, 'session'>): void;
  publishEvent(event: AgentEventMessage): void;
  close(): Promise<void>;
}

const newSessionId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** The agent's MQTT session: birth on every connect, retained state with a will, hub-state gating. */
export function createSession(opts: SessionOptions): Session {
  const { ref, log } = opts;
  let sessionId = newSessionId();
  let hubOnline = false;
  const stateTopic = topics.state(ref);
  const will = (id: string) => ({
    topic: stateTopic,
    payload: Buffer.from(encode(AgentState, { online: false, session: id, ts: Date.now() })),
    qos: 1 as const,
    retain: true,
  });
  const client: MqttClient = mqtt.connect(opts.url, {
    clientId: `sl-${ref.site}-${ref.line}-${ref.agent}`,
    protocolVersion: opts.protocolVersion === 'auto' ? 5 : opts.protocolVersion,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    will: will(sessionId),
    ...(opts.username === undefined ? {} : { username: opts.username }),
    ...(opts.password === undefined ? {} : { password: opts.password }),
  });
  const isReady = () => client.connected && hubOnline;
  let lastReady = false;
  const notify = () => {
    const ready = isReady();
    if (ready !== lastReady) {
      lastReady = ready;
      opts.onReadyChange(ready);
    }
  };

  client.on('connect', () => {
    // A new session id per connection; the will of the next connect carries it.
    sessionId = newSessionId();
    client.options.will = will(sessionId);
    log.info({ event: 'connected', session: sessionId, url: opts.url }, 'connected to broker');
    client.publish(stateTopic, encode(AgentState, { online: true, session: sessionId, ts: Date.now() }), {
      qos: 1,
      retain: true,
    });
    client.publish(topics.birth(ref), encode(Birth, opts.birth(sessionId)), { qos: 1 });
    client.subscribe([topics.hubState(), topics.commands(ref), topics.modelDesired(ref)], { qos: 1 });
    notify();
  });
  client.on('close', () => {
    hubOnline = false;
    notify();
  });
  client.on('error', (err) => {
    // [MQTT-3.2.2-5] CONNACK return code 1 / v5 reason 0x84: the broker does not speak this protocol level.
    const code = (err as { code?: number }).code;
    if (
      opts.protocolVersion === 'auto' &&
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
  client.on('message', (topic, payload) => {
    const parsed = parseTopic(topic);
    if (parsed?.kind === 'hub-state') {
      const decoded = decode(HubState, payload);
      if (!decoded.ok) {
        log.warn({ event: 'bad_hub_state', err: decoded.error.message }, 'ignoring invalid hub state');
        return;
      }
      hubOnline = decoded.value.online;
      log.info({ event: 'hub_state', online: hubOnline }, `hub is ${hubOnline ? 'online' : 'offline'}`);
      notify();
    } else if (parsed?.kind === 'command' && parsed.name in Commands) {
      const name = parsed.name as CommandName;
      const decoded = decode(Commands[name], payload);
      if (decoded.ok) opts.onCommand(name, decoded.value);
      else log.warn({ event: 'bad_command', name, err: decoded.error.message }, 'ignoring invalid command');
    }
  });

  return {
    get ready() {
      return isReady();
    },
    get id() {
      return sessionId;
    },
    async publishResults(entries) {
      const body = encode(ResultsBatch, { session: sessionId, results: entries.map((e) => e.result) });
      await client.publishAsync(topics.results(ref), body, { qos: 1 });
    },
    publishStats(stats) {
      if (!client.connected) return;
      client.publish(topics.stats(ref), encode(Stats, { ...stats, session: sessionId }), { qos: 0 });
    },
    publishEvent(event) {
      client.publish(topics.events(ref), encode(AgentEvent, event), { qos: 1 });
    },
    async close() {
      if (client.connected) {
        await client.publishAsync(
          stateTopic,
          encode(AgentState, { online: false, session: sessionId, ts: Date.now() }),
          {
            qos: 1,
            retain: true,
          },
        );
      }
      await client.endAsync();
    },
  };
}
