import {
  type AgentRef,
  agentKey,
  decode,
  IDENTIFIER,
  MAX_PAYLOAD_BYTES,
  parseTopic,
  UPLINK_CHANNELS,
  type UplinkChannel,
  uplinkSchemas,
} from '@sightline/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ResultStore } from '../store/index.ts';
import type { AckPublisher } from './acks.ts';
import { checkClock } from './clock.ts';

/** What became of a sample part: kept (held, stored, a duplicate), or rejected (ingest dead-letters it). */
export type SamplePartOutcome =
  | { kind: 'held' | 'stored' | 'duplicate' }
  | { kind: 'rejected'; code: string; error: string };

/**
 * A sample part handler (the hub's sample assembler, `src/samples/`). Resolves once the part is durably held, so
 * it may be acknowledged; rejects when it cannot be kept (disk full), so it is not.
 */
export type SampleSink = (
  ref: AgentRef,
  sha256: string,
  chunk: 'meta' | number,
  payload: Uint8Array,
  receivedTs: number,
) => Promise<SamplePartOutcome>;

export interface RouteDeps {
  store: ResultStore;
  log: Logger;
  /** Largest payload accepted; bigger ones are dead-lettered (SL_PAYLOAD_TOO_LARGE). */
  maxPayloadBytes?: number;
  /** Device clock skew allowed before a result's capture time is replaced by the receive time. */
  clockSkewLimitMs?: number;
  samples?: SampleSink;
  /** Told about every committed results batch, to acknowledge it to its agent end to end. */
  acks?: Pick<AckPublisher, 'stored'>;
}

export type RouteOutcome =
  | { kind: 'stored'; channel: UplinkChannel | 'samples'; inserted?: number; duplicates?: number }
  | { kind: 'rejected'; code: string; error: string; sender: string | null }
  /** Hub-published topics seen on a wide subscription (hub state, acks, commands, model downlink): not stored. */
  | { kind: 'ignored' };

type Handlers = {
  [C in UplinkChannel]: (
    ref: AgentRef,
    value: z.infer<(typeof uplinkSchemas)[C]>,
    receivedTs: number,
  ) => Promise<RouteOutcome>;
};

export const DEFAULT_CLOCK_SKEW_LIMIT_MS = 10 * 60_000;

function handlers({ store, log, acks, clockSkewLimitMs = DEFAULT_CLOCK_SKEW_LIMIT_MS }: RouteDeps): Handlers {
  // Latest (device time − receive time) per agent, from messages sent live: the agent's clock offset.
  const offsets = new Map<string, number>();
  const noteClock = (ref: AgentRef, deviceTs: number, receivedTs: number) =>
    offsets.set(agentKey(ref), deviceTs - receivedTs);
  return {
    results: async (ref, batch, ts) => {
      const offset = offsets.get(agentKey(ref));
      const times = batch.results.map((r) => checkClock(r, ts, clockSkewLimitMs, offset));
      const skewed = times.filter((t) => t.clock !== 0).length;
      const { inserted, duplicates } = await store.insertResults(
        ref,
        batch.session,
        batch.results,
        ts,
        times,
      );
      if (acks && batch.results.length > 0) {
        let lo = Number.POSITIVE_INFINITY;
        let hi = Number.NEGATIVE_INFINITY;
        for (const r of batch.results) {
          if (r.seq < lo) lo = r.seq;
          if (r.seq > hi) hi = r.seq;
        }
        acks.stored(ref, lo, hi);
      }
      const fields = { agent: agentKey(ref), session: batch.session, inserted, duplicates, skewed };
      if (skewed > 0)
        log.warn(fields, 'device clock outside the skew limit; results kept with the receive time');
      else if (duplicates > 0) log.info(fields, 'results stored; redelivered ones ignored');
      else log.debug(fields, 'results stored');
      return { kind: 'stored', channel: 'results', inserted, duplicates };
    },
    birth: async (ref, birth, ts) => {
      noteClock(ref, birth.ts, ts);
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
      noteClock(ref, stats.ts, ts);
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
export function senderOf(topic: string): string | null {
  const parts = topic.split('/');
  return parts.length >= 5 ? parts.slice(2, 5).join('/') : null;
}

const rejected = (code: string, error: string, sender: string | null): RouteOutcome => ({
  kind: 'rejected',
  code,
  error,
  sender,
});

/**
 * Validates one uplink message and stores it, or says why it is rejected (the caller dead-letters it). Never
 * throws for bad input; a store failure does throw, so the message is not acknowledged.
 */
export function createRouter(deps: RouteDeps) {
  const table = handlers(deps);
  const maxBytes = deps.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;

  function dispatch<C extends UplinkChannel>(channel: C, ref: AgentRef, payload: Uint8Array, ts: number) {
    const decoded = decode(uplinkSchemas[channel], payload, maxBytes);
    if (!decoded.ok)
      return Promise.resolve(rejected(decoded.error.code, decoded.error.message, agentKey(ref)));
    return table[channel](ref, decoded.value as z.infer<(typeof uplinkSchemas)[C]>, ts);
  }

  return async function route(topic: string, payload: Uint8Array, receivedTs: number): Promise<RouteOutcome> {
    const parsed = parseTopic(topic);
    if (parsed === null) {
      const parts = topic.split('/');
      const agentIds = parts.slice(2, 5);
      if (parts.length > 5 && agentIds.every((id) => IDENTIFIER.test(id))) {
        const channel = parts.slice(5).join('/');
        const error = `channel "${channel}" is not one the hub takes; agents publish on ${UPLINK_CHANNELS.join(', ')} and samples/{sha256}/{chunk}`;
        return rejected('SL_CHANNEL_UNKNOWN', error, agentIds.join('/'));
      }
      const error = `topic "${topic}" is not a Sightline topic; expected sl/v1/{site}/{line}/{agent}/{channel} with ids of 1-64 of a-z, 0-9 and "-"`;
      return rejected('SL_TOPIC_INVALID', error, senderOf(topic));
    }
    switch (parsed.kind) {
      case 'uplink':
        return dispatch(parsed.channel, parsed.ref, payload, receivedTs);
      case 'sample':
        // Without a sample store (samples.enabled: false) parts are acknowledged and dropped: dead-lettering every
        // 64 KiB chunk would push real dead letters out.
        if (!deps.samples) return { kind: 'ignored' };
        {
          const { ref, sha256, chunk } = parsed;
          const outcome = await deps.samples(ref, sha256, chunk, payload, receivedTs);
          if (outcome.kind === 'rejected') return rejected(outcome.code, outcome.error, agentKey(ref));
        }
        return { kind: 'stored', channel: 'samples' };
      case 'hub-state':
      case 'ack':
      case 'command':
      case 'model-desired':
      case 'model-bundle':
        return { kind: 'ignored' };
    }
  };
}
