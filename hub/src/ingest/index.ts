import { parseTopic } from '@sightline/protocol';
import type { Logger } from 'pino';
import { StoreRejectedError } from '../errors.ts';
import type { ResultStore } from '../store/index.ts';
import { type AckPublisher, seqsOf } from './acks.ts';
import { createRouter, type RouteOutcome, type SampleSink, senderOf } from './route.ts';

export { DEFAULT_CLOCK_SKEW_LIMIT_MS, type SamplePartOutcome, type SampleSink } from './route.ts';

export interface IngestOptions {
  store: ResultStore;
  log: Logger;
  maxPayloadBytes?: number;
  clockSkewLimitMs?: number;
  samples?: SampleSink;
  /** End-to-end acknowledgement of results to their agents (stored and refused seqs), after commits. */
  acks?: Pick<AckPublisher, 'stored' | 'rejected'>;
  now?: () => number;
}

export interface IngestCounts {
  /** Uplink messages handled and acknowledged (stored or dead-lettered). */
  messages: number;
  /** Per channel (results, birth, …, samples). */
  byChannel: Record<string, number>;
  /** Results stored for the first time, and redelivered ones ignored, since start. */
  results: { inserted: number; duplicates: number };
  /** Messages dead-lettered since start (per reason and sender: the store's status). */
  deadLetters: number;
  /** Messages not acknowledged because the store could not write: their senders resend them. */
  storeFailures: number;
}

/** Validates, routes and stores one message; resolves once it may be acknowledged, rejects when it may not. */
export type Accept = (topic: string, payload: Uint8Array, receivedTs?: number) => Promise<RouteOutcome>;

export interface Ingest {
  accept: Accept;
  readonly counts: Readonly<IngestCounts>;
}

/**
 * The broker-independent core of ingest: a message comes in, is validated and stored (joining the store's group
 * commit), and the promise says whether to acknowledge it. Bad input becomes a dead letter (acknowledged: keeping
 * it is the answer); a write the store refuses alone is dead-lettered too, so nothing can fail forever; a store
 * that cannot write at all rejects, and the message stays unacknowledged for the broker to deliver again.
 */
export function createIngest({
  store,
  log,
  maxPayloadBytes,
  clockSkewLimitMs,
  samples,
  acks,
  now = Date.now,
}: IngestOptions): Ingest {
  const route = createRouter({ store, log, maxPayloadBytes, clockSkewLimitMs, samples, acks });
  const counts: IngestCounts = {
    messages: 0,
    byChannel: {},
    results: { inserted: 0, duplicates: 0 },
    deadLetters: 0,
    storeFailures: 0,
  };

  async function deadLetter(
    topic: string,
    payload: Uint8Array,
    ts: number,
    code: string,
    error: string,
    sender: string | null,
  ) {
    await store.recordDeadLetter({ ts, topic, sender, code, error, payload });
    counts.deadLetters++;
    // A refused results message is kept as a dead letter: tell its agent not to resend it forever.
    const parsed = acks ? parseTopic(topic) : null;
    if (parsed?.kind === 'uplink' && parsed.channel === 'results')
      acks?.rejected(parsed.ref, seqsOf(payload));
    log.warn(
      { topic, sender, code, error: error.slice(0, 500), bytes: payload.byteLength },
      'message rejected',
    );
  }

  async function accept(topic: string, payload: Uint8Array, receivedTs = now()): Promise<RouteOutcome> {
    let outcome: RouteOutcome;
    try {
      outcome = await route(topic, payload, receivedTs);
      if (outcome.kind === 'rejected') {
        await deadLetter(topic, payload, receivedTs, outcome.code, outcome.error, outcome.sender);
      }
    } catch (error) {
      if (!(error instanceof StoreRejectedError)) {
        counts.storeFailures++;
        throw error;
      }
      // It cannot be stored though the store works: keep it as a dead letter rather than refuse it forever.
      const parsed = senderOf(topic);
      try {
        await deadLetter(topic, payload, receivedTs, error.code, error.message, parsed);
      } catch (again) {
        counts.storeFailures++;
        throw again;
      }
      outcome = { kind: 'rejected', code: error.code, error: error.message, sender: parsed };
    }
    counts.messages++;
    if (outcome.kind === 'stored') {
      counts.byChannel[outcome.channel] = (counts.byChannel[outcome.channel] ?? 0) + 1;
      counts.results.inserted += outcome.inserted ?? 0;
      counts.results.duplicates += outcome.duplicates ?? 0;
    }
    return outcome;
  }

  return { accept, counts };
}
