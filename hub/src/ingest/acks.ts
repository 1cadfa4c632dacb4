import {
  type AgentRef,
  agentKey,
  encode,
  MAX_ACK_RANGES,
  ResultsAck,
  type SeqRange,
  topics,
} from '@sightline/protocol';
import type { Logger } from 'pino';

/** Sends a downlink message (QoS 0, not retained); rejects when it could not go out. */
export type DownlinkPublish = (topic: string, payload: string) => Promise<void>;

export interface AckCounts {
  /** Ack messages published. */
  messages: number;
  /** Ack messages that could not be published (no broker link): agents resend, the hub acks again. */
  failures: number;
}

export interface AckPublisher {
  /** `ref`'s results with seqs in [lo, hi] are committed (inserted now, or stored before). */
  stored(ref: AgentRef, lo: number, hi: number): void;
  /** `ref`'s results with these seqs were refused and kept as dead letters: the agent must not resend them. */
  rejected(ref: AgentRef, seqs: readonly number[]): void;
  readonly counts: Readonly<AckCounts>;
  /** Publishes what is pending now. */
  flush(): Promise<void>;
}

interface Pending {
  ref: AgentRef;
  lo: number;
  hi: number;
  rejected: number[];
}

/** Sorted seqs as inclusive intervals: [3, 4, 5, 9] → [[3, 5], [9, 9]]. */
export function rangesOf(seqs: readonly number[]): SeqRange[] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const out: SeqRange[] = [];
  for (const seq of sorted) {
    const last = out[out.length - 1];
    if (last && seq === last[1] + 1) last[1] = seq;
    else out.push([seq, seq]);
  }
  return out;
}

/** The seqs a refused results payload names, when it is JSON enough to tell (best effort; never throws). */
export function seqsOf(payload: Uint8Array): number[] {
  try {
    const body = JSON.parse(Buffer.from(payload).toString('utf8')) as { results?: unknown };
    if (!Array.isArray(body.results)) return [];
    return body.results
      .map((r) => (r as { seq?: unknown } | null)?.seq)
      .filter((s): s is number => Number.isSafeInteger(s) && (s as number) >= 0);
  } catch {
    return [];
  }
}

/**
 * End-to-end acknowledgement: after a commit the hub tells each agent which of its seqs it holds, on
 * `sl/v1/{site}/{line}/{agent}/ack`, so an agent keeps a result until the hub has it, not merely until a broker
 * acknowledged it (Mosquitto sends PUBACK before it persists). Commits only note (agent, seq span); a timer
 * `delayMs` later publishes one message per agent with the stored intervals covering that span (read from the
 * store's in-memory seq index, no query), so a busy hub sends one ack per agent per flush, never one per result,
 * and publishing never delays a PUBACK. Messages are QoS 0: acks are cumulative and idempotent, and an agent
 * resends what stays unconfirmed, which the hub de-duplicates and acknowledges again.
 */
export function createAckPublisher(deps: {
  /** Stored seq intervals of `ref` that overlap [lo, hi]. */
  storedRanges: (ref: AgentRef, lo: number, hi: number) => readonly SeqRange[];
  publish: DownlinkPublish;
  log: Logger;
  delayMs?: number;
  now?: () => number;
}): AckPublisher {
  const { storedRanges, publish, log, delayMs = 20, now = Date.now } = deps;
  const pending = new Map<string, Pending>();
  const counts: AckCounts = { messages: 0, failures: 0 };
  let timer: NodeJS.Timeout | undefined;

  const entry = (ref: AgentRef): Pending => {
    const key = agentKey(ref);
    let p = pending.get(key);
    if (!p) {
      p = { ref, lo: Number.POSITIVE_INFINITY, hi: Number.NEGATIVE_INFINITY, rejected: [] };
      pending.set(key, p);
    }
    timer ??= setTimeout(() => void flush(), delayMs);
    return p;
  };

  async function send(ref: AgentRef, stored: readonly SeqRange[], rejected: readonly SeqRange[]) {
    const topic = topics.ack(ref);
    // Several messages only when the ranges do not fit one (an agent with many gaps resending widely).
    for (let i = 0; i < Math.max(stored.length, rejected.length); i += MAX_ACK_RANGES) {
      const body = {
        ts: now(),
        stored: stored.slice(i, i + MAX_ACK_RANGES),
        ...(rejected.length > i ? { rejected: rejected.slice(i, i + MAX_ACK_RANGES) } : {}),
      };
      try {
        await publish(topic, encode(ResultsAck, body));
        counts.messages++;
      } catch (err) {
        counts.failures++;
        log.debug(
          { err, agent: agentKey(ref) },
          'ack not published; the agent will resend and be acked again',
        );
      }
    }
  }

  async function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const due = [...pending.values()];
    pending.clear();
    await Promise.all(
      due.map((p) => send(p.ref, p.lo <= p.hi ? storedRanges(p.ref, p.lo, p.hi) : [], rangesOf(p.rejected))),
    );
  }

  return {
    stored(ref, lo, hi) {
      const p = entry(ref);
      p.lo = Math.min(p.lo, lo);
      p.hi = Math.max(p.hi, hi);
    },
    rejected(ref, seqs) {
      if (seqs.length > 0) entry(ref).rejected.push(...seqs);
    },
    counts,
    flush,
  };
}
