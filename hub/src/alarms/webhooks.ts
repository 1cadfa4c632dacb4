import type { Alarm, WebhookDelivery, WebhookPayload } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { StoredRule } from '../ledger/alarms.ts';

export interface Webhooks {
  /** Queues an alarm change for the rule's webhook; never waits (ingest must not). */
  notify(rule: StoredRule, alarm: Alarm): void;
  delivery(ruleId: string): WebhookDelivery & { queued: number };
  close(): void;
}

export interface WebhookOptions {
  log: Logger;
  /** The hub's URL, named in each payload (known once HTTP listens). */
  hub: () => string;
  now?: () => number;
  /** Attempts per POST before it is given up (counted failed). */
  maxAttempts?: number;
  /** Wait before attempt n + 1 (n ≥ 1): exponential from 1 s with jitter, at most a minute. */
  backoffMs?: (attempt: number) => number;
  timeoutMs?: number;
  /** Alarm changes waiting per rule at most; beyond, the oldest are dropped and counted. */
  queueLimit?: number;
}

const noDeliveries = (): WebhookDelivery => ({
  sent: 0,
  failed: 0,
  retried: 0,
  merged: 0,
  dropped: 0,
  last_status: null,
  last_error: null,
  last_ts: null,
});

const backoff = (attempt: number) => Math.min(60_000, 1000 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);

/**
 * One JSON POST per rule at most every `cooldown_s`: changes within the cooldown are merged (latest state of each
 * alarm) into the next POST, so an Andon board sees the final state without a flood. Failed POSTs are retried
 * with back-off; every outcome is counted. Nothing here is awaited by ingest or evaluation.
 */
export function createWebhooks(opts: WebhookOptions): Webhooks {
  const now = opts.now ?? Date.now;
  const maxAttempts = opts.maxAttempts ?? 5;
  const backoffMs = opts.backoffMs ?? backoff;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const queueLimit = opts.queueLimit ?? 1000;
  interface RuleQueue {
    rule: StoredRule;
    pending: Map<number, Alarm>;
    nextAllowed: number;
    timer: NodeJS.Timeout | undefined;
    sending: boolean;
    stats: WebhookDelivery;
  }
  const queues = new Map<string, RuleQueue>();
  const inflight = new Set<AbortController>();
  let closed = false;

  const queueOf = (rule: StoredRule): RuleQueue => {
    let q = queues.get(rule.id);
    if (!q) {
      q = {
        rule,
        pending: new Map(),
        nextAllowed: 0,
        timer: undefined,
        sending: false,
        stats: noDeliveries(),
      };
      queues.set(rule.id, q);
    }
    q.rule = rule;
    return q;
  };

  const later = (ms: number, work: () => void) => {
    const t = setTimeout(work, Math.max(0, ms));
    t.unref();
    return t;
  };

  async function post(q: RuleQueue, payload: WebhookPayload): Promise<boolean> {
    const hook = q.rule.webhook;
    if (!hook) return true;
    for (let attempt = 1; attempt <= maxAttempts && !closed; attempt++) {
      if (attempt > 1) {
        q.stats.retried += 1;
        await new Promise<void>((resolve) => later(backoffMs(attempt - 1), resolve));
        if (closed) break;
      }
      const abort = new AbortController();
      inflight.add(abort);
      const timer = later(timeoutMs, () => abort.abort());
      try {
        const res = await fetch(hook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...hook.headers },
          body: JSON.stringify(payload),
          signal: abort.signal,
        });
        q.stats.last_status = res.status;
        q.stats.last_ts = now();
        await res.body?.cancel();
        if (res.ok) {
          q.stats.last_error = null;
          return true;
        }
        q.stats.last_error = `HTTP ${res.status}`;
      } catch (err) {
        q.stats.last_error = abort.signal.aborted
          ? `no answer within ${timeoutMs} ms`
          : (err as Error).message;
        q.stats.last_ts = now();
      } finally {
        clearTimeout(timer);
        inflight.delete(abort);
      }
    }
    return false;
  }

  function flush(q: RuleQueue) {
    q.timer = undefined;
    if (q.sending || q.pending.size === 0 || closed) return;
    const wait = q.nextAllowed - now();
    if (wait > 0) {
      q.timer = later(wait, () => flush(q));
      return;
    }
    const alarms = [...q.pending.values()];
    q.pending.clear();
    q.sending = true;
    const cooldownMs = (q.rule.webhook?.cooldown_s ?? 0) * 1000;
    void post(q, { hub: opts.hub(), ts: now(), rule: q.rule.id, alarms }).then((ok) => {
      q.sending = false;
      if (ok) q.stats.sent += 1;
      else {
        q.stats.failed += 1;
        opts.log.warn(
          { event: 'webhook_failed', rule: q.rule.id, err: q.stats.last_error },
          'alarm webhook given up after its retries',
        );
      }
      q.nextAllowed = now() + cooldownMs;
      flush(q);
    });
  }

  return {
    notify(rule, alarm) {
      if (!rule.webhook || closed) return;
      const q = queueOf(rule);
      if (q.pending.has(alarm.id)) q.stats.merged += 1;
      q.pending.delete(alarm.id);
      q.pending.set(alarm.id, alarm);
      while (q.pending.size > queueLimit) {
        const oldest = q.pending.keys().next().value as number;
        q.pending.delete(oldest);
        q.stats.dropped += 1;
      }
      if (!q.timer && !q.sending) flush(q);
    },
    delivery(ruleId) {
      const q = queues.get(ruleId);
      return { ...(q?.stats ?? noDeliveries()), queued: q?.pending.size ?? 0 };
    },
    close() {
      closed = true;
      for (const q of queues.values()) if (q.timer) clearTimeout(q.timer);
      for (const a of inflight) a.abort();
    },
  };
}
