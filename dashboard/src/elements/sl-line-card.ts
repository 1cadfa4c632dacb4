import { css, html, LitElement, nothing } from 'lit';
import type { LineMetrics } from '../api/types.ts';
import {
  formatAgo,
  formatCount,
  formatPercent,
  formatPercentNumber,
  formatThroughput,
} from '../format/format.ts';
import './sl-rate-bar.ts';

/** Below this many inspections the Wilson interval is too wide to act on. */
export const SMALL_SAMPLE = 30;
/** A line silent for longer than this is flagged as stale. */
const STALE_MS = 60_000;

/** One production line: defect rate with its interval, volume, throughput and freshness. */
export class SlLineCard extends LitElement {
  static override properties = {
    line: { attribute: false },
    now: { type: Number },
    scaleMax: { type: Number, attribute: 'scale-max' },
  };

  declare line: LineMetrics | undefined;
  /** Hub clock (epoch ms) that "last seen" is measured against. */
  declare now: number;
  declare scaleMax: number;

  constructor() {
    super();
    this.line = undefined;
    this.now = Date.now();
    this.scaleMax = 0.1;
  }

  override render() {
    const l = this.line;
    if (!l) return nothing;
    const small = l.inspected < SMALL_SAMPLE;
    const [lo, hi] = l.defect_rate_ci;
    const ago = l.last_ts === null ? null : this.now - l.last_ts;
    const stale = ago === null || ago > STALE_MS;
    return html`
      <article aria-labelledby="title" class=${small ? 'small' : ''}>
        <header>
          <h2 id="title">${l.line}</h2>
          <span class="site">${l.site}</span>
        </header>

        <div class="headline">
          <span class="label" id="rate-label">Defect rate</span>
          <span class="rate" aria-describedby="rate-label">${formatPercent(l.defect_rate)}</span>
          <span class="ci ${small ? 'muted' : ''}">
            95 % CI ${formatPercentNumber(lo)}–${formatPercent(hi)}
            ${small ? html`<span class="note">· small sample</span>` : nothing}
          </span>
        </div>

        <sl-rate-bar
          .rate=${l.defect_rate}
          .lo=${lo}
          .hi=${hi}
          .truth=${l.true_defect_rate}
          .scaleMax=${this.scaleMax}
          ?uncertain=${small}
        ></sl-rate-bar>

        ${
          l.true_defect_rate === null
            ? nothing
            : html`<p class="truth">
                <span class="marker" aria-hidden="true"></span>
                Ground truth <strong>${formatPercent(l.true_defect_rate)}</strong>
                <span class="muted">(${formatCount(l.truth_n)} labelled)</span>
              </p>`
        }

        <dl>
          <div><dt>Inspected</dt><dd class="inspected">n = ${formatCount(l.inspected)}</dd></div>
          <div><dt>Defects</dt><dd class="defects">${formatCount(l.defects)}</dd></div>
          <div><dt>Agents</dt><dd class="agents">${formatCount(l.agents)}</dd></div>
          <div class="span-2"><dt>Throughput</dt><dd class="throughput">${formatThroughput(l.parts_per_min)}</dd></div>
          <div>
            <dt>Last seen</dt>
            <dd class="last-seen ${stale ? 'stale' : ''}">
              ${
                l.last_ts === null || ago === null
                  ? 'never'
                  : html`<time datetime=${new Date(l.last_ts).toISOString()}>${formatAgo(ago)}</time>`
              }
            </dd>
          </div>
        </dl>
      </article>
    `;
  }

  static override styles = css`
    :host {
      display: block;
    }
    article {
      height: 100%;
      box-sizing: border-box;
      padding: 18px 20px 16px;
      border: 1px solid var(--sl-border, #2a323c);
      border-radius: 8px;
      background: var(--sl-card, #1c2229);
      display: flex;
      flex-direction: column;
      gap: 14px;
    }
    header {
      display: flex;
      align-items: baseline;
      justify-content: space-between;
      gap: 8px;
    }
    h2 {
      margin: 0;
      font-size: 1.05rem;
      font-weight: 600;
      letter-spacing: 0.02em;
    }
    .site,
    .label,
    dt {
      font-size: 0.72rem;
      text-transform: uppercase;
      letter-spacing: 0.08em;
      color: var(--sl-muted, #8b96a3);
    }
    .headline {
      display: grid;
      gap: 2px;
    }
    .rate {
      font-size: 2.6rem;
      line-height: 1.1;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .ci {
      font-size: 0.85rem;
      font-variant-numeric: tabular-nums;
      color: var(--sl-text-2, #b8c0ca);
    }
    .muted,
    .small .rate {
      color: var(--sl-muted, #8b96a3);
    }
    .note {
      color: var(--sl-warn, #e0a93b);
    }
    .truth {
      margin: -4px 0 0;
      font-size: 0.85rem;
      color: var(--sl-text-2, #b8c0ca);
      display: flex;
      align-items: center;
      gap: 6px;
    }
    .marker {
      width: 0;
      height: 0;
      border: 5px solid transparent;
      border-bottom: 0;
      border-top: 6px solid var(--sl-text, #e6e9ed);
    }
    dl {
      margin: 0;
      padding-top: 12px;
      border-top: 1px solid var(--sl-border, #2a323c);
      display: grid;
      grid-template-columns: repeat(3, 1fr);
      gap: 10px 16px;
    }
    dl > div {
      display: grid;
      gap: 2px;
    }
    dl > .span-2 {
      grid-column: span 2;
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
      font-size: 0.95rem;
    }
    .stale {
      color: var(--sl-warn, #e0a93b);
    }
  `;
}

customElements.define('sl-line-card', SlLineCard);

declare global {
  interface HTMLElementTagNameMap {
    'sl-line-card': SlLineCard;
  }
}
