import {
  type AgentRef,
  agentKey,
  decode,
  MAX_PAYLOAD_BYTES,
  type ProtocolError,
  parseTopic,
  type UplinkChannel,
  uplinkSchemas,
} from '@sightline/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { SampleIngest } from '../samples/index.ts';
import type { ResultStore } from '../store/index.ts';

export interface RouteDeps {
  store: ResultStore;
  log: Logger;
  /** Largest payload accepted; bigger ones are dead-lettered (SL_PAYLOAD_TOO_LARGE). */
  maxPayloadBytes?: number;
  /** Takes sample parts (`.../samples/{sha256}/{meta|n}`); without it they are dead-lettered. */
  samples?: Pick<SampleIngest, 'handle'>;
}

export type RouteOutcome =
  | { kind: 'stored'; channel: UplinkChannel; inserted?: number; duplicates?: number }
  | { kind: 'sample'; outcome: 'held' | 'stored' | 'duplicate' }
  | { kind: 'rejected'; code: string };

type Handlers = {
  [C in UplinkChannel]: (
    ref: AgentRef,
    value: z.infer<(typeof uplinkSchemas)[C]>,
    receivedTs: number,
  ) => Promise<RouteOutcome>;
};

function handlers({ store, log }: RouteDeps): Handlers {
  return {
    results: async (ref, batch, ts) => {
      const { inserted, duplicates } = await store.insertResults(ref, batch.session, batch.results, ts);
      const fields = { agent: agentKey(ref), session: batch.session, inserted, duplicates };
      if (duplicates > 0) log.info(fields, 'results stored; redelivered ones ignored');
      else log.debug(fields, 'results stored');
      return { kind: 'stored', channel: 'results', inserted, duplicates };
    },
    birth: async (ref, birth, ts) => {
      await store.recordBirth(ref, birth, ts);
      log.info({ agent: agentKey(ref), session: birth.session, model: birth.model }, 'agent birth');
      return { kind: 'stored', channel: 'birth' };
    },
    state: async (ref, state, ts) => {
      await store.recordState(ref, state, ts);
      log.info({ agent: agentKey(ref), online: state.online, session: state.session }, 'agent state');
      return { kind: 'stored', channel: 'state' };
    },
    stats: async (ref, stats, ts) => {
      await store.recordStats(ref, stats, ts);
      return { kind: 'stored', channel: 'stats' };
    },
    events: async (ref, event, ts) => {
      await store.recordEvent(ref, event, ts);
      const level = event.severity === 'critical' ? 'error' : event.severity === 'warning' ? 'warn' : 'info';
      log[level]({ agent: agentKey(ref), kind: event.kind }, event.message);
      return { kind: 'stored', channel: 'events' };
    },
    'model/status': async (ref, status, ts) => {
      await store.recordModelStatus(ref, status, ts);
      log.info({ agent: agentKey(ref), model: status.model, phase: status.phase }, 'model status');
      return { kind: 'stored', channel: 'model/status' };
    },
  };
}

/** Best guess at who sent a message on a malformed topic: the three ids after `sl/v1/`. */
function senderOf(topic: string): string | null {
  const parts = topic.split('/');
  return parts.length >= 5 ? parts.slice(2, 5).join('/') : null;
}

/**
 * Validates one uplink message and stores it, or keeps it as a dead letter. Never throws for bad input;
 * a store failure does throw, so the caller can leave the message unacknowledged for redelivery.
 */
export function createRouter(deps: RouteDeps) {
  const table = handlers(deps);
  const maxBytes = deps.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;

  async function reject(
    topic: string,
    sender: string | null,
    code: string,
    error: string,
    payload: Uint8Array,
    ts: number,
  ) {
    await deps.store.recordDeadLetter({ ts, topic, sender, code, error, payload });
    deps.log.warn({ topic, sender, code, error, bytes: payload.byteLength }, 'message rejected');
    return { kind: 'rejected', code } as const;
  }

  function dispatch<C extends UplinkChannel>(
    channel: C,
    ref: AgentRef,
    payload: Uint8Array,
    topic: string,
    ts: number,
  ) {
    const decoded = decode(uplinkSchemas[channel], payload, maxBytes);
    if (!decoded.ok) {
      const error: ProtocolError = decoded.error;
      return reject(topic, agentKey(ref), error.code, error.message, payload, ts);
    }
    return table[channel](ref, decoded.value as z.infer<(typeof uplinkSchemas)[C]>, ts);
  }

  return async function route(topic: string, payload: Uint8Array, receivedTs: number): Promise<RouteOutcome> {
    const parsed = parseTopic(topic);
    if (parsed?.kind === 'sample' && deps.samples) {
      const { ref, sha256, chunk } = parsed;
      const outcome = await deps.samples.handle(ref, sha256, chunk, payload, receivedTs);
      if (outcome.kind !== 'rejected') return { kind: 'sample', outcome: outcome.kind };
      return reject(topic, agentKey(ref), outcome.code, outcome.error, payload, receivedTs);
    }
    if (parsed?.kind !== 'uplink') {
      const error = `topic "${topic}" is not a Sightline uplink topic; expected sl/v1/{site}/{line}/{agent}/{channel} with ids of 1-64 of a-z, 0-9 and "-"`;
      return reject(topic, senderOf(topic), 'SL_TOPIC_INVALID', error, payload, receivedTs);
    }
    return dispatch(parsed.channel, parsed.ref, payload, topic, receivedTs);
  };
}
