import type { FleetModelsResponse } from '@sightline/protocol';
import { css, html, LitElement, nothing } from 'lit';

const COLOURS = ['#4fb3bf', '#8e7cc3', '#e0a93b', '#5bbf8a', '#e5645b', '#6f8fb8'];

/** The fleet's model versions as one stacked bar with a legend: how many agents run what. */
export class SlVersionMix extends LitElement {
  static override properties = { mix: { attribute: false } };

  declare mix: FleetModelsResponse['mix'];

  constructor() {
    super();
    this.mix = [];
  }

  override render() {
    const total = this.mix.reduce((n, m) => n + m.agents, 0);
    if (total === 0) return html`<p class="muted">No agent has reported a model yet.</p>`;
    const colour = (i: number) => COLOURS[i % COLOURS.length];
    return html`
      <div class="bar" role="img" aria-label=${this.mix.map((m) => `${m.id} ${m.version}: ${m.agents}`).join(', ')}>
        ${this.mix.map((m, i) => html`<span style="flex:${m.agents};background:${colour(i)}"></span>`)}
      </div>
      <ul>
        ${this.mix.map(
          (m, i) => html`<li data-version=${m.version}>
            <i style="background:${colour(i)}"></i>${m.id} <strong>${m.version}</strong>
            <span class="n">${m.agents} ${m.agents === 1 ? 'agent' : 'agents'}</span>
          </li>`,
        )}
      </ul>
      ${this.mix.length > 1 ? html`<p class="muted">The fleet runs ${this.mix.length} versions.</p>` : nothing}
    `;
  }

  static override styles = css`
    .bar {
      display: flex;
      height: 14px;
      border-radius: 7px;
      overflow: hidden;
      gap: 2px;
    }
    ul {
      list-style: none;
      display: flex;
      flex-wrap: wrap;
      gap: 6px 20px;
      padding: 0;
      margin: 10px 0 0;
      font-size: 0.9rem;
    }
    i {
      display: inline-block;
      width: 10px;
      height: 10px;
      border-radius: 2px;
      margin-right: 6px;
    }
    .n,
    .muted {
      color: var(--sl-muted, #8792a0);
      margin-left: 6px;
    }
  `;
}

customElements.define('sl-version-mix', SlVersionMix);

declare global {
  interface HTMLElementTagNameMap {
    'sl-version-mix': SlVersionMix;
  }
}
