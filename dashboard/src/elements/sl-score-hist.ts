import { css, html, LitElement, nothing, svg } from 'lit';

const W = 260;
const H = 90;

/**
 * Where the two models' scores fall (20 bins over [0, 1], baseline as outlines, candidate filled), with the
 * threshold: what an engineer reads to choose the new model's threshold.
 */
export class SlScoreHist extends LitElement {
  static override properties = {
    baseline: { attribute: false },
    candidate: { attribute: false },
    threshold: { type: Number },
  };

  declare baseline: readonly number[];
  declare candidate: readonly number[];
  declare threshold: number | undefined;

  constructor() {
    super();
    this.baseline = [];
    this.candidate = [];
    this.threshold = undefined;
  }

  override render() {
    // Square root, so the few parts near the threshold show beside the many good ones.
    const top = Math.sqrt(Math.max(1, ...this.baseline, ...this.candidate));
    const bw = W / 20;
    const h = (n: number) => (Math.sqrt(n) / top) * (H - 12);
    return html`<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Score distribution of both models">
      ${this.candidate.map((n, i) => svg`<rect class="cand" x=${i * bw + 1} y=${H - 12 - h(n)} width=${bw - 2} height=${h(n)} />`)}
      ${this.baseline.map((n, i) => svg`<rect class="base" x=${i * bw + 1} y=${H - 12 - h(n)} width=${bw - 2} height=${h(n)} />`)}
      ${this.threshold === undefined ? nothing : svg`<line class="thr" x1=${this.threshold * W} x2=${this.threshold * W} y1="0" y2=${H - 12} />`}
      <text x="0" y=${H - 1}>0</text><text x=${W / 2} y=${H - 1} class="mid">score</text><text x=${W} y=${H - 1} class="end">1</text>
    </svg>`;
  }

  static override styles = css`
    svg {
      width: 100%;
      max-width: 320px;
      display: block;
    }
    .cand {
      fill: var(--sl-accent, #4fb3bf);
      opacity: 0.7;
    }
    .base {
      fill: none;
      stroke: var(--sl-text-2, #b8c0ca);
      stroke-width: 0.8;
    }
    .thr {
      stroke: var(--sl-warn, #e0a93b);
      stroke-width: 1.5;
    }
    text {
      fill: var(--sl-muted, #8792a0);
      font-size: 9px;
    }
    .mid {
      text-anchor: middle;
    }
    .end {
      text-anchor: end;
    }
  `;
}

customElements.define('sl-score-hist', SlScoreHist);

declare global {
  interface HTMLElementTagNameMap {
    'sl-score-hist': SlScoreHist;
  }
}
