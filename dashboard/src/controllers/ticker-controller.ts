import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Re-renders its host every `everyMs` while connected, so "12 s ago" and "stale" keep counting on the
 * browser's clock when no data arrives. Paused while the page is hidden.
 */
export class TickerController implements ReactiveController {
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #host: ReactiveControllerHost;
  readonly #everyMs: number;

  constructor(host: ReactiveControllerHost, everyMs = 1_000) {
    this.#host = host;
    this.#everyMs = everyMs;
    host.addController(this);
  }

  hostConnected(): void {
    this.#timer = setInterval(() => {
      if (typeof document === 'undefined' || document.visibilityState !== 'hidden')
        this.#host.requestUpdate();
    }, this.#everyMs);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
  }
}
