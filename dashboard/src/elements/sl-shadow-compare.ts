import type { Compare } from '@sightline/protocol';
import { css, html, LitElement, nothing } from 'lit';
import { summarise } from '../format/compare.ts';
import { formatCount, formatPercent } from '../format/format.ts';
import './sl-score-hist.ts';
import './sl-score-scatter.ts';

/** Two small bars per model (p50, p95 inference ms) on one scale: latency before and after. */
function latencyBars(l: { baseline: [number, number]; candidate: [number, number] }) {
  const top = Math.max(1, ...l.baseline, ...l.candidate);
  const bar = (label: string, [p50, p95]: [number, number]) => html`<div class="lat">
    <span class="name">${label}</span>
    <span class="track"><span class="p95" style="width:${(p95 / top) * 100}%"></span><span class="p50" style="width:${(p50 / top) * 100}%"></span></span>
    <span class="ms">${p50.toFixed(1)} / ${p95.toFixed(1)} ms</span>
  </div>`;
  return html`${bar('before', l.baseline)}${bar('after', l.candidate)}`;
}

/** A rollout's shadow comparison summed over its agents: agreement, flips, score scatter, latency. */
export class SlShadowCompare extends LitElement {
  static override properties = {
    compares: { attribute: false },
    threshold: { type: Number },
    baseline: { type: String },
    candidate: { type: String },
  };

  declare compares: readonly Compare[];
  declare threshold: number | undefined;
  declare baseline: string;
  declare candidate: string;

  constructor() {
    super();
    this.compares = [];
    this.threshold = undefined;
    this.baseline = '';
    this.candidate = '';
  }

  override render() {
    const s = summarise(this.compares);
    if (!s || s.frames === 0) return html`<p class="muted">No frame compared yet.</p>`;
    return html`<div class="wrap">
      <dl>
        <div><dt>Agreement</dt><dd class="big" data-figure="agreement">${formatPercent(s.agree / s.frames)}</dd></div>
        <div><dt>Frames compared</dt><dd>${formatCount(s.frames)}${s.skipped ? html` <span class="muted">(${formatCount(s.skipped)} skipped)</span>` : nothing}</dd></div>
        <div><dt>OK → defect</dt><dd>${formatCount(s.okToDefect)}</dd></div>
        <div><dt>Defect → OK</dt><dd>${formatCount(s.defectToOk)}</dd></div>
        <div><dt>Defect rate</dt><dd>${formatPercent(s.defectRate.baseline)} → ${formatPercent(s.defectRate.candidate)}</dd></div>
        <div class="lats"><dt>Inference p50 / p95</dt><dd>${latencyBars(s.latency)}</dd></div>
      </dl>
      <div class="hist">
        <sl-score-hist .baseline=${s.hist.baseline} .candidate=${s.hist.candidate} .threshold=${this.threshold}></sl-score-hist>
        <slot name="threshold"></slot>
      </div>
      <sl-score-scatter .pairs=${s.pairs} .threshold=${this.threshold} baseline=${this.baseline} candidate=${this.candidate}></sl-score-scatter>
    </div>`;
  }

  static override styles = css`
    .wrap {
      display: flex;
      flex-wrap: wrap;
      gap: 16px 28px;
      align-items: flex-start;
    }
    dl {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
      gap: 10px 20px;
      margin: 0;
      flex: 1 1 320px;
    }
    dt {
      font-size: 0.75rem;
      color: var(--sl-muted, #8792a0);
      text-transform: uppercase;
      letter-spacing: 0.05em;
    }
    dd {
      margin: 2px 0 0;
      font-variant-numeric: tabular-nums;
    }
    .big {
      font-size: 1.6rem;
      font-weight: 650;
    }
    .lats {
      grid-column: 1 / -1;
    }
    .hist {
      flex: 0 1 320px;
    }
    .lat {
      display: grid;
      grid-template-columns: 52px 1fr 110px;
      gap: 8px;
      align-items: center;
      font-size: 0.85rem;
    }
    .track {
      position: relative;
      height: 8px;
      background: var(--sl-track, #242b34);
      border-radius: 4px;
    }
    .p95,
    .p50 {
      position: absolute;
      left: 0;
      top: 0;
      bottom: 0;
      border-radius: 4px;
    }
    .p95 {
      background: color-mix(in srgb, var(--sl-accent, #4fb3bf) 40%, transparent);
    }
    .p50 {
      background: var(--sl-accent, #4fb3bf);
    }
    .muted {
      color: var(--sl-muted, #8792a0);
    }
  `;
}

customElements.define('sl-shadow-compare', SlShadowCompare);

declare global {
  interface HTMLElementTagNameMap {
    'sl-shadow-compare': SlShadowCompare;
  }
}
