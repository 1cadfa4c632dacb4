import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { HubLink } from '../live/hub-link.ts';

export interface LiveQueryOptions<T> {
  link: () => HubLink | undefined;
  /** Loads the value; undefined when the host is not ready to ask (e.g. a route parameter missing). */
  load: (link: HubLink, signal: AbortSignal) => Promise<T> | undefined;
  /**
   * Subscribes to live events that make the value out of date; calls `stale` for each. Reloads are
   * throttled to one per `throttleMs`, so a busy line does not re-query on every commit.
   */
  watch?: (link: HubLink, stale: () => void) => () => void;
  throttleMs?: number;
  /** Also re-read this often (for figures no event announces, e.g. alarms); none by default. */
  everyMs?: number;
}

/**
 * A query whose answer follows the live stream: loaded when the host connects and on `reload()`, again
 * (throttled) when a watched event says it is out of date, and after the stream reconnects.
 */
export class LiveQueryController<T> implements ReactiveController {
  value: T | undefined = undefined;
  error: Error | undefined = undefined;
  loading = false;
  /** Browser time of the last successful load. */
  loadedAt: number | undefined = undefined;

  readonly #host: ReactiveControllerHost;
  readonly #options: LiveQueryOptions<T>;
  #abort: AbortController | undefined;
  #unsubscribe: Array<() => void> = [];
  #pending: ReturnType<typeof setTimeout> | undefined;
  #every: ReturnType<typeof setInterval> | undefined;
  #connected = false;

  constructor(host: ReactiveControllerHost, options: LiveQueryOptions<T>) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    const link = this.#options.link();
    if (link) {
      const stale = () => this.#staleSoon();
      this.#unsubscribe = [
        ...(this.#options.watch ? [this.#options.watch(link, stale)] : []),
        link.live.onStatus((s) => {
          if (s.state === 'open') stale();
        }),
      ];
    }
    void this.reload();
    const every = this.#options.everyMs;
    if (every) this.#every = setInterval(() => this.#staleSoon(), every);
  }

  hostDisconnected(): void {
    this.#connected = false;
    clearInterval(this.#every);
    for (const u of this.#unsubscribe) u();
    this.#unsubscribe = [];
    this.#abort?.abort();
    clearTimeout(this.#pending);
    this.#pending = undefined;
  }

  #staleSoon(): void {
    if (this.#pending !== undefined) return;
    const throttle = this.#options.throttleMs ?? 5_000;
    const since = this.loadedAt === undefined ? throttle : Date.now() - this.loadedAt;
    this.#pending = setTimeout(
      () => {
        this.#pending = undefined;
        void this.reload({ quiet: true });
      },
      Math.max(0, throttle - since),
    );
  }

  /** Loads now; `quiet` keeps the old value on screen without a loading state (live refresh). */
  async reload({ quiet = false } = {}): Promise<void> {
    const link = this.#options.link();
    if (!link || !this.#connected) return;
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    const pending = this.#options.load(link, abort.signal);
    if (!pending) return;
    if (!quiet) {
      this.loading = true;
      this.#host.requestUpdate();
    }
    try {
      this.value = await pending;
      this.error = undefined;
      this.loadedAt = Date.now();
    } catch (cause) {
      if (abort.signal.aborted) return;
      this.error = cause instanceof Error ? cause : new Error(String(cause));
    }
    this.loading = false;
    this.#host.requestUpdate();
  }
}
