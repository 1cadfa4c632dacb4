import type { AgentUpdate, Alarm, LineUpdate } from '@sightline/protocol';
import type { Logger } from 'pino';
import { deriveLineMetrics } from '../metrics/index.ts';
import type { CommitNotice, ResultStore } from '../store/index.ts';

export type LiveEvent =
  | { event: 'line'; data: LineUpdate }
  | { event: 'agent'; data: AgentUpdate }
  | { event: 'alarm'; data: Alarm };

export interface LiveStream {
  /** Subscribes to updates of lines over a window (seconds); returns the unsubscribe function. */
  subscribe(windowS: number, send: (event: LiveEvent) => void): () => void;
  readonly subscribers: number;
  /** Sends an event to every subscriber now (alarms). */
  broadcast(event: LiveEvent): void;
  close(): void;
}

/**
 * Per-line updates and agent state changes for the dashboard, at most `intervalMs` after the commit that caused
 * them: commits mark lines dirty, and a tick recomputes the dirty lines once per window in use (one rollup query
 * for every subscriber of that window). Nothing runs while nobody listens.
 */
export function createLiveStream({
  store,
  log,
  now = Date.now,
  intervalMs = 250,
}: {
  store: ResultStore;
  log: Logger;
  now?: () => number;
  intervalMs?: number;
}): LiveStream {
  const subscribers = new Map<number, { windowS: number; send: (e: LiveEvent) => void }>();
  let nextId = 1;
  const dirty = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;

  const unsubscribeStore = store.onCommit((notice: CommitNotice) => {
    if (subscribers.size === 0) return;
    for (const l of notice.lines) dirty.add(`${l.site}/${l.line}`);
    for (const a of notice.agents) {
      const value = (a.value ?? {}) as { online?: boolean; session?: string; ts?: number };
      const data: AgentUpdate = {
        site: a.site,
        line: a.line,
        agent: a.agent,
        online: a.column === 'state' ? (value.online ?? null) : true,
        session: value.session ?? null,
        ts: value.ts ?? notice.ts,
      };
      for (const s of subscribers.values()) s.send({ event: 'agent', data });
    }
  });

  async function tick() {
    if (ticking || dirty.size === 0) return;
    ticking = true;
    const lines = new Set(dirty);
    dirty.clear();
    try {
      const windows = new Set([...subscribers.values()].map((s) => s.windowS));
      for (const windowS of windows) {
        const at = now();
        const counts = await store.lineCounts({ start: at - windowS * 1000, end: at });
        for (const c of counts) {
          if (!lines.has(`${c.site}/${c.line}`)) continue;
          const data: LineUpdate = { ...deriveLineMetrics(c), window_s: windowS, now: at };
          for (const s of subscribers.values()) if (s.windowS === windowS) s.send({ event: 'line', data });
        }
      }
    } catch (err) {
      log.warn({ err }, 'live stream could not read line figures; will retry on the next commit');
    } finally {
      ticking = false;
    }
  }

  return {
    subscribe(windowS, send) {
      const id = nextId++;
      subscribers.set(id, { windowS, send });
      timer ??= setInterval(() => void tick(), intervalMs);
      return () => {
        subscribers.delete(id);
        if (subscribers.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    get subscribers() {
      return subscribers.size;
    },
    broadcast(event) {
      for (const s of subscribers.values()) s.send(event);
    },
    close() {
      unsubscribeStore();
      if (timer) clearInterval(timer);
      timer = undefined;
      subscribers.clear();
    },
  };
}
