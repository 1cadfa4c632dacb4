import type { ReactiveController, ReactiveElement } from 'lit';

/** The host's content width, kept current with a ResizeObserver, so SVG charts draw at their real size. */
export class SizeController implements ReactiveController {
  width = 0;
  readonly #host: ReactiveElement;
  #observer: ResizeObserver | undefined;

  constructor(host: ReactiveElement) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#observer = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (w !== this.width) {
        this.width = w;
        this.#host.requestUpdate();
      }
    });
    this.#observer.observe(this.#host);
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
  }
}
