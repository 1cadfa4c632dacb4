import { css, html, LitElement } from 'lit';
import { formatCount, formatDuration } from '../format/format.ts';
import type { Liveness } from '../live/hub-link.ts';

type PillState = 'ok' | 'degraded' | 'down' | 'unknown';

/**
 * Is what the page shows live? Green only while the hub answers its health checks in time and the live
 * stream is open; otherwise red or amber with the reason and how long, counted on the browser's clock.
 */
export class SlHealthPill extends LitElement {
  static override properties = { liveness: { attribute: false }, now: { type: Number } };

  declare liveness: Liveness | undefined;
  /** Browser time of the render, so the "for 12 s" counts. */
  declare now: number;

  constructor() {
    super();
    this.liveness = undefined;
    this.now = Date.now();
  }

  #state(l: Liveness | undefined): PillState {
    if (!l || (l.healthyAt === undefined && !l.error)) return 'unknown';
    if (!l.live) return l.error ? 'down' : 'degraded';
    return l.health?.status === 'ok' && l.health.broker.connected ? 'ok' : 'degraded';
  }

  #text(state: PillState, l: Liveness | undefined): string {
    switch (state) {
      case 'ok':
        return 'Live';
      case 'degraded':
        if (l && !l.live) return `Not live: ${l.reason}`;
        if (l?.health?.broker.connected === false) return 'Broker disconnected';
        return 'Hub degraded';
      case 'down':
        return `Not live: ${l?.reason ?? 'hub not answering'}`;
      case 'unknown':
        return 'Connecting…';
    }
  }

  #detail(l: Liveness | undefined): string {
    const h = l?.health;
    if (l?.error) return l.error.message;
    if (!h) return '';
    const up = `hub up ${formatDuration(h.uptime_s)}`;
    if ('error' in h.store) return `store: ${h.store.error} · ${up}`;
    const parts = [`${formatCount(h.store.results)} results stored`, up];
    if (h.store.deadLetters > 0) parts.push(`${formatCount(h.store.deadLetters)} rejected`);
    if (h.reasons.length > 0) parts.unshift(h.reasons.join('; '));
    return parts.join(' · ');
  }

  override render() {
    const l = this.liveness;
    const state = this.#state(l);
    const detail = this.#detail(l);
    return html`
      <div class="pill ${state}" role="status" aria-live="polite" title=${detail}>
        <span class="dot" aria-hidden="true"></span>
        <span class="text">${this.#text(state, l)}</span>
      </div>
      <span class="detail">${state === 'down' ? '' : detail}</span>
    `;
  }

  static override styles = css`
    :host {
      display: inline-flex;
      align-items: center;
      gap: 12px;
      font-size: 0.85rem;
      min-width: 0;
    }
    .pill {
      display: inline-flex;
      align-items: center;
      gap: 8px;
      padding: 4px 12px 4px 10px;
      border-radius: 999px;
      border: 1px solid var(--tone);
      background: color-mix(in srgb, var(--tone) 14%, transparent);
      color: var(--sl-text);
      white-space: nowrap;
    }
    .dot {
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: var(--tone);
    }
    .ok {
      --tone: var(--sl-good);
    }
    .degraded {
      --tone: var(--sl-warn);
    }
    .down {
      --tone: var(--sl-bad);
    }
    .unknown {
      --tone: var(--sl-muted);
    }
    .detail {
      color: var(--sl-muted);
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    @media (max-width: 1100px) {
      .detail {
        display: none;
      }
    }
  `;
}

customElements.define('sl-health-pill', SlHealthPill);

declare global {
  interface HTMLElementTagNameMap {
    'sl-health-pill': SlHealthPill;
  }
}
