import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Baseline } from '../api/types.ts';
import type { HubLink } from '../live/hub-link.ts';

/**
 * Frozen baselines of the lines that have one, read once per line and again after `maxAgeMs`: a baseline
 * changes only when a QC lead freezes a new one, so tiles need no request per update.
 */
export class BaselinesController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #link: () => HubLink | undefined;
  readonly #maxAgeMs: number;
  readonly #known = new Map<string, { baseline: Baseline | null; at: number }>();
  readonly #inFlight = new Set<string>();

  constructor(host: ReactiveControllerHost, link: () => HubLink | undefined, maxAgeMs = 60_000) {
    this.#host = host;
    this.#link = link;
    this.#maxAgeMs = maxAgeMs;
    host.addController(this);
  }

  hostConnected(): void {}

  /** The line's baseline if known; asks the hub (once) when `frozen` says there is one to read. */
  get(site: string, line: string, frozen: boolean): Baseline | null {
    const key = `${site}/${line}`;
    const known = this.#known.get(key);
    if (!frozen) return null;
    if ((!known || Date.now() - known.at > this.#maxAgeMs) && !this.#inFlight.has(key))
      void this.#load(site, line);
    return known?.baseline ?? null;
  }

  async #load(site: string, line: string): Promise<void> {
    const link = this.#link();
    if (!link) return;
    const key = `${site}/${line}`;
    this.#inFlight.add(key);
    try {
      const { baseline } = await link.api.quality.baseline(site, line);
      this.#known.set(key, { baseline, at: Date.now() });
      this.#host.requestUpdate();
    } catch {
      this.#known.set(key, { baseline: this.#known.get(key)?.baseline ?? null, at: Date.now() });
    } finally {
      this.#inFlight.delete(key);
    }
  }
}
