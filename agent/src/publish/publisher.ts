import type { ResultsAck } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { Outbox } from '../outbox/index.ts';
import type { Session } from '../session/index.ts';
import { type Backoff, createBackoff } from './backoff.ts';

export interface PublisherOptions {
  outbox: Outbox;
  session: Pick<Session, 'ready' | 'publishResults' | 'hubConfirms'>;
  batchSize: number;
  batchMs: number;
  /** Batches awaiting PUBACK at once. */
  maxInflight?: number;
  /** Replayed results sent per second at most, so a backlog does not swamp the hub or the link. */
  replayPerSecond?: number;
  /** Results sent and not yet confirmed by the hub at most; sending pauses beyond it until acks come. */
  maxUnconfirmed?: number;
  /** A result the broker acknowledged but the hub has not confirmed within this is sent again (ms). */
  confirmTimeoutMs?: number;
  /** Delay after a failed publish before the next try (default: 0.5 s doubling to 30 s, jittered). */
  backoff?: Backoff;
  /** Monotonic clock (ms) for rates, timeouts and deadlines: a wall clock stepped back must not stall them. */
  now?: () => number;
  log: Logger;
}

export interface Publisher {
  /** Publish now if a full batch is waiting (called after each append). */
  kick(): void;
  /** Results gone for good since start: confirmed by the hub, or acknowledged by the broker (older hubs). */
  published(): number;
  /** Results the hub refused (kept there as dead letters) since start. */
  rejected(): number;
  /** The hub's ack: the seqs it holds (or refused) leave the outbox. */
  confirm(ack: ResultsAck): void;
  /** Sends again everything awaiting the hub's confirmation (reconnected; the hub came back online). */
  resend(): void;
  /** Publishes everything pending; resolves true when the outbox is empty, false on timeout. */
  drain(timeoutMs: number): Promise<boolean>;
  stop(): void;
}

/** How often the publisher looks for results the hub has not confirmed in time. */
const SWEEP_MS = 1000;

/**
 * The publish stage: moves results from the outbox to the broker in batches, off the inspection path. With a
 * hub that confirms (`session.hubConfirms`), an entry stays in the outbox after PUBACK until the hub's ack
 * names its seq, and is sent again after `confirmTimeoutMs` without one, on reconnect and when the hub comes
 * back online (the hub stores a seq once, so resends are harmless); an older hub gets PUBACK trimming. After a
 * failed publish it waits a jittered, growing delay.
 */
export function createPublisher(opts: PublisherOptions): Publisher {
  const { outbox, session, log } = opts;
  const maxInflight = opts.maxInflight ?? 4;
  const maxUnconfirmed = opts.maxUnconfirmed ?? 10_000;
  const confirmTimeoutMs = opts.confirmTimeoutMs ?? 15_000;
  const now = opts.now ?? (() => performance.now());
  let inflight = 0;
  let inflightEntries = 0;
  let publishedCount = 0;
  let rejectedCount = 0;
  let stopped = false;

  const replayRate = opts.replayPerSecond ?? 500;
  // Token bucket for replayed results: refills at replayRate, holds one second's worth.
  let tokens = replayRate;
  let refilledAt = now();
  const replayAllowance = () => {
    const t = now();
    tokens = Math.min(replayRate, tokens + ((t - refilledAt) / 1000) * replayRate);
    refilledAt = t;
    return tokens;
  };
  const backoff = opts.backoff ?? createBackoff({ initialMs: 500, maxMs: 30_000 });
  let retryAt = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let taking = false;
  let sweptAt = now();

  /** Unconfirmed results sent long enough ago go back in line; all of them when the hub no longer confirms. */
  const sweep = () => {
    sweptAt = now();
    if (!session.ready || outbox.unconfirmed() === 0) return;
    const before = session.hubConfirms ? sweptAt - confirmTimeoutMs : Number.POSITIVE_INFINITY;
    const n = outbox.requeue(before);
    if (n > 0) {
      log.info(
        { event: 'resend_unconfirmed', n, hub_confirms: session.hubConfirms },
        'results the hub has not confirmed are sent again',
      );
    }
  };

  const send = async (force: boolean) => {
    if (taking) return;
    taking = true;
    try {
      if (now() - sweptAt >= SWEEP_MS) sweep();
      await sendBatches(force);
    } catch (err) {
      log.error({ event: 'outbox_read_failed', err: (err as Error).message }, 'cannot read the outbox');
    } finally {
      taking = false;
    }
  };
  const sendBatches = async (force: boolean) => {
    while (!stopped && session.ready && inflight < maxInflight && now() >= retryAt) {
      const waiting = outbox.pending();
      if (waiting <= 0 || (!force && waiting < opts.batchSize)) return;
      // Too far ahead of the hub: wait for its acks (or the sweep) rather than pile up more to resend.
      if (session.hubConfirms && outbox.unconfirmed() + inflightEntries >= maxUnconfirmed) return;
      const allowance = Math.floor(replayAllowance());
      if (allowance <= 0) return;
      const batch = await outbox.take(Math.min(opts.batchSize, allowance));
      if (batch.length === 0) return;
      tokens -= batch.filter((e) => e.result.replayed).length;
      inflight += 1;
      inflightEntries += batch.length;
      session
        .publishResults(batch)
        .then(async () => {
          // The mode at PUBACK time: an older hub (no acks) makes the PUBACK final.
          if (session.hubConfirms) outbox.sent(batch, now());
          else {
            const acked = outbox.ack(batch);
            publishedCount += batch.length; // counted with the depth it leaves, not after the disk write
            await acked;
          }
          backoff.reset();
        })
        .catch((err: Error) => {
          const delay = backoff.next();
          retryAt = now() + delay;
          log.warn(
            { event: 'publish_failed', n: batch.length, err: err.message, retry_ms: Math.round(delay) },
            'publish failed; will retry',
          );
          outbox.release(batch);
          clearTimeout(retryTimer);
          retryTimer = setTimeout(() => void send(true), delay);
        })
        .finally(() => {
          inflight -= 1;
          inflightEntries -= batch.length;
        });
    }
  };

  // Partial batches go out after batchMs, so a slow line still reports promptly.
  const timer = setInterval(() => void send(true), Math.max(opts.batchMs, 10));

  return {
    kick: () => void send(false),
    published: () => publishedCount,
    rejected: () => rejectedCount,
    confirm(ack) {
      publishedCount += outbox.confirm(ack.stored);
      if (ack.rejected && ack.rejected.length > 0) {
        const n = outbox.confirm(ack.rejected);
        rejectedCount += n;
        if (n > 0) {
          log.error(
            { event: 'results_rejected', n, ranges: ack.rejected.slice(0, 8) },
            'the hub refused results and kept them as dead letters; see its /api/dead-letters',
          );
        }
      }
      void send(false);
    },
    resend() {
      const n = outbox.requeue(Number.POSITIVE_INFINITY);
      if (n > 0) log.info({ event: 'resend_unconfirmed', n }, 'sending again what the hub has not confirmed');
      void send(true);
    },
    async drain(timeoutMs) {
      // performance.now: the deadline holds whatever the wall clock does.
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        await send(true);
        if (outbox.depth() === 0) return true;
        await new Promise((r) => setTimeout(r, 20));
      }
      return outbox.depth() === 0;
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(retryTimer);
    },
  };
}
