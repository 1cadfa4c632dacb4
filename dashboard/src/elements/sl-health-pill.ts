import { css, html, LitElement } from 'lit';
import type { HealthResponse } from '../api/types.ts';
import { formatCount, formatDuration } from '../format/format.ts';

type PillState = 'ok' | 'degraded' | 'down' | 'unknown';

/** Fleet health at a glance: hub and broker up, and what the store holds. */
export class SlHealthPill extends LitElement {
  static override properties = {
    health: { attribute: false },
    error: { attribute: false },
  };

  declare health: HealthResponse | undefined;
  /** Set when the last health check failed. */
  declare error: Error | undefined;

  constructor() {
    super();
    this.health = undefined;
    this.error = undefined;
  }

  #state(): PillState {
    if (this.error) return 'down';
    if (!this.health) return 'unknown';
    return this.health.status === 'ok' && this.health.broker.connected ? 'ok' : 'degraded';
  }

  #text(state: PillState): string {
    switch (state) {
      case 'ok':
        return 'Hub healthy';
      case 'degraded':
        if (this.health?.broker.connected === false) return 'Broker disconnected';
        return this.health && 'error' in this.health.store ? 'Store unavailable' : 'Hub degraded';
      case 'down':
        return 'Hub unreachable';
      case 'unknown':
        return 'Connecting…';
    }
  }

  #detail(): string {
    const h = this.health;
    if (this.error) return this.error.message;
    if (!h) return '';
    const up = `up ${formatDuration(h.uptime_s)}`;
    if ('error' in h.store) return `store: ${h.store.error} · ${up}`;
    const parts = [`${formatCount(h.store.results)} results stored`, up];
    if (h.store.deadLetters > 0) parts.push(`${formatCount(h.store.deadLetters)} rejected`);
    return parts.join(' · ');
  }

  override render() {
    const state = this.#state();
    const detail = this.#detail();
    return html`
      <div class="pill ${state}" role="status" aria-live="polite" title=${detail}>
        <span class="dot" aria-hidden="true"></span>
        <span class="text">${this.#text(state)}</span>
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
    }
    .pill {
      display: inline-flex;
      align-items: center;
      gap: 8px;
      padding: 4px 12px 4px 10px;
      border-radius: 999px;
      border: 1px solid var(--tone);
      background: color-mix(in srgb, var(--tone) 14%, transparent);
      color: var(--sl-text, #e6e9ed);
      white-space: nowrap;
    }
    .dot {
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: var(--tone);
    }
    .ok {
      --tone: var(--sl-good, #5bbf8a);
    }
    .degraded {
      --tone: var(--sl-warn, #e0a93b);
    }
    .down {
      --tone: var(--sl-bad, #e5645b);
    }
    .unknown {
      --tone: var(--sl-muted, #8b96a3);
    }
    .detail {
      color: var(--sl-muted, #8b96a3);
      font-variant-numeric: tabular-nums;
    }
    @media (max-width: 640px) {
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
