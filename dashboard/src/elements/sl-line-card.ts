import { css, html, LitElement, nothing } from 'lit';
import type { LineMetrics } from '../api/types.ts';
import {
  formatAgo,
  formatCount,
  formatPercent,
  formatPercentNumber,
  formatSignedPercent,
  formatThroughput,
} from '../format/format.ts';
import { SMALL_SAMPLE } from '../model/fleet-scale.ts';
import type { LineState } from '../model/line-state.ts';
import './sl-rate-bar.ts';
import './sl-state-badge.ts';

/** What a tile shows beside the line's own figures, when the hub knows it. */
export interface LineExtras {
  /** Active model, "id version" of the line's agents (several when they differ). */
  models: string[];
  /** Baseline throughput s_base (parts/min), once a baseline is frozen. */
  baselineThroughput: number | null;
  /** Out-of-control: the window's rate beyond its p-chart limit against the line's reference p̄. */
  signal: 'above' | 'below' | null;
  /** Savings and ROI in the window, once ROI inputs exist. */
  roi: { savings: string; roi: string } | null;
  /** pilot: observe-only (agents decide but do not act); null when the hub has no modes. */
  mode: 'pilot' | 'live' | null;
}

/** One production line: state, defect rate with its interval, coverage, throughput, freshness. */
export class SlLineCard extends LitElement {
  static override properties = {
    line: { attribute: false },
    state: { attribute: false },
    extras: { attribute: false },
    hubNow: { type: Number },
    scaleMax: { type: Number },
    href: { type: String },
  };

  declare line: LineMetrics | undefined;
  declare state: LineState | undefined;
  declare extras: LineExtras | undefined;
  /** The hub's time now, estimated on the browser's clock. */
  declare hubNow: number;
  declare scaleMax: number;
  declare href: string;

  constructor() {
    super();
    this.line = undefined;
    this.state = undefined;
    this.extras = undefined;
    this.hubNow = Date.now();
    this.scaleMax = 0.1;
    this.href = '';
  }

  #rate(l: LineMetrics, small: boolean) {
    if (l.inspected === 0) {
      return html`<div class="headline">
        <span class="label">Defect rate</span>
        <span class="rate none">–</span>
        <span class="ci muted">no parts in this window</span>
      </div>`;
    }
    const [lo, hi] = l.defect_rate_ci;
    return html`<div class="headline">
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
      ></sl-rate-bar>`;
  }

  #throughput(l: LineMetrics) {
    const base = this.extras?.baselineThroughput ?? null;
    const change = base && base > 0 && l.run_min > 0 ? (l.parts_per_min - base) / base : null;
    return html`<dd class="throughput">${formatThroughput(l.parts_per_min)}</dd>
      ${
        change === null
          ? nothing
          : html`<dd class="vs-base ${change < 0 ? 'down' : 'up'}">${formatSignedPercent(change)} vs baseline</dd>`
      }`;
  }

  override render() {
    const l = this.line;
    const s = this.state;
    if (!l || !s) return nothing;
    const small = l.inspected > 0 && l.inspected < SMALL_SAMPLE;
    const ago = l.last_ts === null ? null : this.hubNow - l.last_ts;
    const cov = l.coverage.coverage;
    const x = this.extras;
    return html`
      <article class="${small ? 'small' : ''} ${s.state}" aria-labelledby="title">
        <header>
          <h2 id="title"><a href=${this.href}>${l.line}</a></h2>
          <span class="site">${l.site}</span>
          ${x?.mode === 'pilot' ? html`<span class="pilot" title="observe-only: agents decide and report but do not act">pilot</span>` : nothing}
          <sl-state-badge class="state" .state=${s.state} .reason=${s.reason}></sl-state-badge>
        </header>
        <p class="why ${s.state}">
          ${s.reason}${
            x?.signal
              ? html` · <span class="ooc" title="beyond the p-chart limit against the line's reference rate"
                  >${x.signal === 'above' ? '▲ out of control' : '▼ below control limit'}</span
                >`
              : nothing
          }
        </p>
        ${this.#rate(l, small)}
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
          <div>
            <dt>Coverage</dt>
            <dd class="coverage ${cov !== null && cov < 0.95 ? 'warn' : ''}" title="frames inspected / frames captured">
              ${cov === null ? '–' : formatPercent(cov)}
            </dd>
          </div>
          <div class="span-2"><dt>Throughput</dt>${this.#throughput(l)}</div>
          <div><dt>Agents</dt><dd class="agents">${s.reporting === 0 ? formatCount(Math.max(s.agents, l.agents)) : `${s.online}/${s.agents} online`}</dd></div>
          ${
            x?.roi
              ? html`<div><dt>Saved</dt><dd class="savings">${x.roi.savings}</dd></div>
                  <div><dt>ROI</dt><dd class="roi">${x.roi.roi}</dd></div>`
              : nothing
          }
          <div class=${x?.roi ? '' : 'span-2'}>
            <dt>Model</dt>
            <dd class="model" title=${x?.models.join(', ') ?? ''}>${x?.models.length ? x.models.join(', ') : '–'}</dd>
          </div>
          <div>
            <dt>Last result</dt>
            <dd class="last-seen ${s.state === 'running' ? '' : 'stale'}">
              ${
                l.last_ts === null || ago === null
                  ? 'none in window'
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
      padding: 14px 18px 14px;
      border: 1px solid var(--sl-border);
      border-radius: 8px;
      background: var(--sl-card);
      display: flex;
      flex-direction: column;
      gap: 10px;
    }
    article.offline {
      border-color: color-mix(in srgb, var(--sl-bad) 70%, var(--sl-border));
    }
    article.stale {
      border-color: color-mix(in srgb, var(--sl-warn) 60%, var(--sl-border));
    }
    article.offline .headline,
    article.offline sl-rate-bar,
    article.stale .headline,
    article.stale sl-rate-bar {
      opacity: 0.55;
    }
    header {
      display: flex;
      align-items: baseline;
      gap: 8px;
    }
    h2 {
      margin: 0;
      font-size: 1.05rem;
      font-weight: 600;
      letter-spacing: 0.02em;
    }
    h2 a {
      color: inherit;
      text-decoration: none;
    }
    h2 a:hover,
    h2 a:focus-visible {
      text-decoration: underline;
      text-underline-offset: 3px;
    }
    /* The whole tile is the link's target area; the heading stays the accessible name. */
    h2 a::after {
      content: '';
      position: absolute;
      inset: 0;
    }
    article {
      position: relative;
    }
    article:has(a:focus-visible) {
      outline: 2px solid var(--sl-accent);
      outline-offset: 2px;
    }
    .state {
      margin-left: auto;
      align-self: center;
    }
    .site,
    .label,
    dt {
      font-size: 0.72rem;
      text-transform: uppercase;
      letter-spacing: 0.08em;
      color: var(--sl-muted);
    }
    .pilot {
      font-size: 0.7rem;
      font-weight: 700;
      text-transform: uppercase;
      letter-spacing: 0.06em;
      padding: 1px 6px;
      border-radius: 4px;
      border: 1px dashed var(--sl-accent);
      color: var(--sl-accent);
    }
    .why {
      margin: -4px 0 0;
      font-size: 0.82rem;
      color: var(--sl-text-2);
    }
    .why.offline {
      color: var(--sl-bad);
    }
    .why.stale {
      color: var(--sl-warn);
    }
    .ooc {
      color: var(--sl-bad);
      font-weight: 600;
    }
    .headline {
      display: grid;
      gap: 2px;
    }
    .rate {
      font-size: 2.4rem;
      line-height: 1.1;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .ci {
      font-size: 0.85rem;
      font-variant-numeric: tabular-nums;
      color: var(--sl-text-2);
    }
    .muted,
    .small .rate,
    .rate.none {
      color: var(--sl-muted);
    }
    .note {
      color: var(--sl-warn);
    }
    .truth {
      margin: -4px 0 0;
      font-size: 0.85rem;
      color: var(--sl-text-2);
      display: flex;
      align-items: center;
      gap: 6px;
    }
    .marker {
      width: 0;
      height: 0;
      border: 5px solid transparent;
      border-bottom: 0;
      border-top: 6px solid var(--sl-text);
    }
    dl {
      margin: 0;
      padding-top: 10px;
      border-top: 1px solid var(--sl-border);
      display: grid;
      grid-template-columns: repeat(3, minmax(0, 1fr));
      gap: 8px 14px;
    }
    dl > div {
      display: grid;
      gap: 1px;
      align-content: start;
      min-width: 0;
    }
    dl > .span-2 {
      grid-column: span 2;
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
      font-size: 0.93rem;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .vs-base {
      font-size: 0.78rem;
    }
    .vs-base.up {
      color: var(--sl-good);
    }
    .vs-base.down,
    dd.warn,
    dd.stale {
      color: var(--sl-warn);
    }
  `;
}

customElements.define('sl-line-card', SlLineCard);

declare global {
  interface HTMLElementTagNameMap {
    'sl-line-card': SlLineCard;
  }
}
