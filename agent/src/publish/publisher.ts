import type { Logger } from 'pino';
import type { Outbox } from '../outbox/index.ts';
import type { Session } from '../session/index.ts';
import { type Backoff, createBackoff } from './backoff.ts';

export interface PublisherOptions {
  outbox: Outbox;
  session: Pick<Session, 'ready' | 'publishResults'>;
  batchSize: number;
  batchMs: number;
  /** Batches awaiting PUBACK at once. */
  maxInflight?: number;
  /** Replayed results sent per second at most, so a backlog does not swamp the hub or the link. */
  replayPerSecond?: number;
  /** Delay after a failed publish before the next try (default: 0.5 s doubling to 30 s, jittered). */
  backoff?: Backoff;
  now?: () => number;
  log: Logger;
}

export interface Publisher {
  /** Publish now if a full batch is waiting (called after each append). */
  kick(): void;
  /** Results acknowledged by the broker since start. */
  published(): number;
  /** Publishes everything pending; resolves true when the outbox is empty, false on timeout. */
  drain(timeoutMs: number): Promise<boolean>;
  stop(): void;
}

/**
 * The publish stage: moves results from the outbox to the broker in batches, off the inspection path;
 * an entry leaves the outbox only on PUBACK. After a failed publish it waits a jittered, growing delay.
 */
export function createPublisher(opts: PublisherOptions): Publisher {
  const maxInflight = opts.maxInflight ?? 4;
  let inflight = 0;
  let inflightEntries = 0;
  let publishedCount = 0;
  let stopped = false;

  const now = opts.now ?? Date.now;
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
  const send = async (force: boolean) => {
    if (taking) return;
    taking = true;
    try {
      await sendBatches(force);
    } catch (err) {
      opts.log.error({ event: 'outbox_read_failed', err: (err as Error).message }, 'cannot read the outbox');
    } finally {
      taking = false;
    }
  };
  const sendBatches = async (force: boolean) => {
    const { session } = opts;
    // depth() counts in-flight entries too; only what is not yet in flight can go.
    while (!stopped && session.ready && inflight < maxInflight && now() >= retryAt) {
      const waiting = opts.outbox.depth() - inflightEntries;
      if (waiting <= 0 || (!force && waiting < opts.batchSize)) return;
      const allowance = Math.floor(replayAllowance());
      if (allowance <= 0) return;
      const batch = await opts.outbox.take(Math.min(opts.batchSize, allowance));
      if (batch.length === 0) return;
      tokens -= batch.filter((e) => e.result.replayed).length;
      inflight += 1;
      inflightEntries += batch.length;
      session
        .publishResults(batch)
        .then(async () => {
          await opts.outbox.ack(batch);
          publishedCount += batch.length;
          backoff.reset();
        })
        .catch((err: Error) => {
          const delay = backoff.next();
          retryAt = now() + delay;
          opts.log.warn(
            { event: 'publish_failed', n: batch.length, err: err.message, retry_ms: Math.round(delay) },
            'publish failed; will retry',
          );
          opts.outbox.release(batch);
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
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        await send(true);
        if (opts.outbox.depth() === 0) return true;
        await new Promise((r) => setTimeout(r, 20));
      }
      return opts.outbox.depth() === 0;
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(retryTimer);
    },
  };
}
