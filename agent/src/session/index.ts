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
  type SampleChunk,
  Stats,
  type Stats as StatsMessage,
  topics,
} from '@sightline/protocol';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { OutboxEntry } from '../outbox/index.ts';
import { nextState, type SessionEvent, type SessionState } from './states.ts';

export { createBrokerClient } from './client.ts';
export type { SessionState } from './states.ts';

export interface SessionOptions {
  ref: AgentRef;
  /** An MQTT client made with `manualConnect: true` (createBrokerClient, or one over an in-memory stream in tests): the session sets its will and connects it. */
  client: MqttClient;
  /** Builds the birth message for a new session id. */
  birth: (session: string) => BirthMessage;
  onCommand: (name: CommandName, payload: unknown) => void;
  log: Logger;
}

export interface Session {
  readonly state: SessionState;
  /** Connected to the broker and the hub says it is online: results may flow. */
  readonly ready: boolean;
  readonly id: string;
  /** Calls `listener` on every state change; returns a function that stops it. */
  onStateChange(listener: (to: SessionState, from: SessionState) => void): () => void;
  publishResults(entries: readonly OutboxEntry[]): Promise<void>;
  /** One part of a sample image (QoS 1); resolves on PUBACK. */
  publishSamplePart(sha256: string, chunk: SampleChunk, payload: Uint8Array | string): Promise<void>;
  publishStats(stats: Omit<StatsMessage, 'session'>): void;
  publishEvent(event: Omit<AgentEventMessage, 'ts'>): void;
  /** Publishes the birth again (same session), so the hub sees a changed setting (threshold, recipe, mode). */
  rebirth(): void;
  close(): Promise<void>;
}

const newSessionId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** The agent's MQTT session (states in states.ts): birth on every connect, retained state with a will, hub-state gating, commands. */
export function createSession(opts: SessionOptions): Session {
  const { ref, log, client } = opts;
  let sessionId = newSessionId();
  let state: SessionState = 'connecting';
  const listeners = new Set<(to: SessionState, from: SessionState) => void>();
  const stateTopic = topics.state(ref);
  const will = (id: string) => ({
    topic: stateTopic,
    payload: Buffer.from(encode(AgentState, { online: false, session: id, ts: Date.now() })),
    qos: 1 as const,
    retain: true,
  });
  const on = (event: SessionEvent) => {
    const from = state;
    state = nextState(state, event);
    if (state === from) return;
    log.debug({ event: 'session_state', from, to: state }, `session ${from} -> ${state}`);
    for (const l of listeners) l(state, from);
  };

  const onConnect = () => {
    // A new session id per connection; the will of the next connect carries it.
    sessionId = newSessionId();
    client.options.will = will(sessionId);
    log.info({ event: 'connected', session: sessionId }, 'connected to broker');
    client.publish(stateTopic, encode(AgentState, { online: true, session: sessionId, ts: Date.now() }), {
      qos: 1,
      retain: true,
    });
    client.publish(topics.birth(ref), encode(Birth, opts.birth(sessionId)), { qos: 1 });
    client.subscribe([topics.hubState(), topics.commands(ref), topics.modelDesired(ref)], { qos: 1 });
    on('connected');
  };
  client.on('connect', onConnect);
  client.on('close', () => on('lost'));
  client.on('message', (topic, payload) => {
    const parsed = parseTopic(topic);
    if (parsed?.kind === 'hub-state') {
      const decoded = decode(HubState, payload);
      if (!decoded.ok) {
        log.warn({ event: 'bad_hub_state', err: decoded.error.message }, 'ignoring invalid hub state');
        return;
      }
      const online = decoded.value.online;
      log.info({ event: 'hub_state', online }, `hub is ${online ? 'online' : 'offline'}`);
      on(online ? 'hub-online' : 'hub-offline');
    } else if (parsed?.kind === 'command' && parsed.name in Commands) {
      const name = parsed.name as CommandName;
      const decoded = decode(Commands[name], payload);
      if (decoded.ok) opts.onCommand(name, decoded.value);
      else log.warn({ event: 'bad_command', name, err: decoded.error.message }, 'ignoring invalid command');
    }
  });
  client.options.will = will(sessionId);
  if (client.connected) onConnect();
  else if (!client.reconnecting) client.connect();

  return {
    get state() {
      return state;
    },
    get ready() {
      return state === 'ready';
    },
    get id() {
      return sessionId;
    },
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async publishResults(entries) {
      const body = encode(ResultsBatch, { session: sessionId, results: entries.map((e) => e.result) });
      await client.publishAsync(topics.results(ref), body, { qos: 1 });
    },
    async publishSamplePart(sha256, chunk, payload) {
      const body =
        typeof payload === 'string'
          ? payload
          : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      await client.publishAsync(topics.sample(ref, sha256, chunk), body, { qos: 1 });
    },
    publishStats(stats) {
      if (!client.connected) return;
      client.publish(topics.stats(ref), encode(Stats, { ...stats, session: sessionId }), { qos: 0 });
    },
    rebirth() {
      if (client.connected)
        client.publish(topics.birth(ref), encode(Birth, opts.birth(sessionId)), { qos: 1 });
    },
    publishEvent(event) {
      client.publish(topics.events(ref), encode(AgentEvent, { ...event, ts: Date.now() }), { qos: 1 });
    },
    async close() {
      on('close');
      if (client.connected) {
        await client.publishAsync(
          stateTopic,
          encode(AgentState, { online: false, session: sessionId, ts: Date.now() }),
          { qos: 1, retain: true },
        );
      }
      await client.endAsync();
      on('ended');
    },
  };
}
