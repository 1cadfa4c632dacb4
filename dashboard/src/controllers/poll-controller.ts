import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { nextPollDelay } from './backoff.ts';

export interface PollOptions<T> {
  /** Loads one value; reads the host's current state (e.g. the selected window) each time. */
  load: (signal: AbortSignal) => Promise<T>;
  intervalMs: number;
  /** Longest wait between attempts while failing. */
  maxBackoffMs?: number;
}

/**
 * Polls while its host is connected: `value` keeps the last good answer, `error` the latest
 * failure (cleared by the next success), `loading` is true while a request is in flight.
 */
export class PollController<T> implements ReactiveController {
  value: T | undefined = undefined;
  error: Error | undefined = undefined;
  loading = false;
  /** Epoch ms of the last successful load. */
  updatedAt: number | undefined = undefined;
  /** Consecutive failures; drives the back-off. */
  failures = 0;

  readonly #host: ReactiveControllerHost;
  readonly #options: PollOptions<T>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #abort: AbortController | undefined;
  #connected = false;

  constructor(host: ReactiveControllerHost, options: PollOptions<T>) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    void this.refresh();
  }

  hostDisconnected(): void {
    this.#connected = false;
    clearTimeout(this.#timer);
    this.#abort?.abort();
  }

  /** Loads now (cancelling any request in flight), then resumes the schedule. */
  async refresh(): Promise<void> {
    if (!this.#connected) return;
    clearTimeout(this.#timer);
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.loading = true;
    this.#host.requestUpdate();
    try {
      this.value = await this.#options.load(abort.signal);
      this.error = undefined;
      this.failures = 0;
      this.updatedAt = Date.now();
    } catch (cause) {
      if (abort.signal.aborted) return;
      this.error = cause instanceof Error ? cause : new Error(String(cause));
      this.failures += 1;
    }
    this.loading = false;
    this.#host.requestUpdate();
    if (!this.#connected) return;
    const { intervalMs, maxBackoffMs = 30_000 } = this.#options;
    this.#timer = setTimeout(
      () => void this.refresh(),
      nextPollDelay(intervalMs, this.failures, maxBackoffMs),
    );
  }
}
