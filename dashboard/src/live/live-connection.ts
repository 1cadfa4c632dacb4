import type { Http } from '../api/http.ts';
import type { AgentUpdate, Alarm, LineUpdate } from '../api/types.ts';
import { nextPollDelay } from '../controllers/backoff.ts';
import { readEvents } from './sse.ts';

/** Payloads by event name of `GET /api/stream`; unknown events are ignored. */
export interface LiveEvents {
  line: LineUpdate;
  agent: AgentUpdate;
  /** An alarm raised, acknowledged or cleared. */
  alarm: Alarm;
}

/**
 * connecting → open → (stream ends / fails / goes silent) → retrying → connecting …; closed after `close()`.
 * `since` is when the connection entered the state (browser clock).
 */
export type LiveStatus =
  | { state: 'connecting'; since: number }
  | { state: 'open'; since: number }
  | { state: 'retrying'; since: number; error: string; attempt: number }
  | { state: 'closed'; since: number };

export interface LiveConnection {
  on<K extends keyof LiveEvents>(event: K, listener: (data: LiveEvents[K]) => void): () => void;
  /** Status changes; a listener should reload what it shows when the state becomes `open` (events may have been missed). */
  onStatus(listener: (status: LiveStatus) => void): () => void;
  readonly status: LiveStatus;
  /** Browser time of the last byte received (event or keep-alive). */
  readonly lastActivity: number | undefined;
  /** The window `line` updates cover; changing it reconnects. */
  setWindow(window: string): void;
  readonly window: string;
  start(): void;
  /** Opens the stream anew now (e.g. after sign-in: the old request was refused); nothing when closed. */
  reconnect(): void;
  close(): void;
}

export interface LiveOptions {
  http: Http;
  window: string;
  /** The hub sends a comment every 15 s; silence longer than this means the stream is dead. */
  silenceMs?: number;
  retryMs?: number;
  maxRetryMs?: number;
  now?: () => number;
}

/**
 * The dashboard's one connection to the hub's live stream, shared by every view: one HTTP request however
 * many elements listen. Reconnects with back-off, and when the stream goes silent (a frozen hub keeps the
 * socket open but says nothing).
 */
export function createLiveConnection({
  http,
  window: initialWindow,
  silenceMs = 20_000,
  retryMs = 1_000,
  maxRetryMs = 15_000,
  now = Date.now,
}: LiveOptions): LiveConnection {
  const listeners = new Map<string, Set<(data: never) => void>>();
  const statusListeners = new Set<(s: LiveStatus) => void>();
  let status: LiveStatus = { state: 'closed', since: now() };
  let window = initialWindow;
  let abort: AbortController | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setInterval> | undefined;
  let lastActivity: number | undefined;
  let failures = 0;

  const setStatus = (next: LiveStatus) => {
    status = next;
    for (const l of statusListeners) l(status);
  };

  const dispatch = (event: string, data: string) => {
    const set = listeners.get(event);
    if (!set || set.size === 0) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return; // A malformed event is skipped; the next full reload corrects anything it carried.
    }
    for (const l of set) (l as (d: unknown) => void)(parsed);
  };

  async function connect(): Promise<void> {
    abort?.abort();
    const controller = new AbortController();
    abort = controller;
    setStatus({ state: 'connecting', since: now() });
    let error = 'the hub closed the live stream';
    try {
      const response = await http.open(`api/stream?window=${encodeURIComponent(window)}`, {
        signal: controller.signal,
        accept: 'text/event-stream',
      });
      if (!response.body) throw new Error('the live stream has no body');
      lastActivity = now();
      await readEvents(response.body, {
        onActivity: () => {
          lastActivity = now();
          if (status.state !== 'open') {
            failures = 0;
            setStatus({ state: 'open', since: now() });
          }
        },
        onEvent: (m) => dispatch(m.event ?? 'message', m.data),
      });
    } catch (cause) {
      if (controller.signal.aborted && abort !== controller) return; // replaced by a newer connection
      error = cause instanceof Error ? cause.message : String(cause);
    }
    if (abort !== controller || status.state === 'closed') return;
    failures += 1;
    setStatus({ state: 'retrying', since: now(), error, attempt: failures });
    retryTimer = setTimeout(() => void connect(), nextPollDelay(retryMs, failures - 1, maxRetryMs));
  }

  return {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (data: never) => void);
      return () => set.delete(listener as (data: never) => void);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    get status() {
      return status;
    },
    get lastActivity() {
      return lastActivity;
    },
    get window() {
      return window;
    },
    setWindow(next) {
      if (next === window) return;
      window = next;
      if (status.state !== 'closed') {
        clearTimeout(retryTimer);
        void connect();
      }
    },
    start() {
      if (status.state !== 'closed') return;
      watchdog = setInterval(() => {
        if (status.state !== 'open' || lastActivity === undefined) return;
        if (now() - lastActivity > silenceMs) {
          abort?.abort(new Error(`no word from the hub for ${Math.round(silenceMs / 1000)} s`));
        }
      }, 1_000);
      void connect();
    },
    reconnect() {
      if (status.state === 'closed') return;
      clearTimeout(retryTimer);
      failures = 0;
      void connect();
    },
    close() {
      clearTimeout(retryTimer);
      clearInterval(watchdog);
      setStatus({ state: 'closed', since: now() });
      abort?.abort();
      abort = undefined;
    },
  };
}
