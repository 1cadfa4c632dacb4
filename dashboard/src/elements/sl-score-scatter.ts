import { css, html, LitElement, nothing, svg } from 'lit';

const SIZE = 220;
const PAD = 28;
const scale = (v: number) => PAD + Math.min(1, Math.max(0, v)) * (SIZE - 2 * PAD);

/**
 * Scores of the same frames by two models: baseline across, candidate up. Points on the diagonal agree;
 * the threshold lines split the plot into the four verdict pairs, so flips sit in the off-diagonal boxes.
 */
export class SlScoreScatter extends LitElement {
  static override properties = {
    pairs: { attribute: false },
    threshold: { type: Number },
    baseline: { type: String },
    candidate: { type: String },
  };

  declare pairs: ReadonlyArray<readonly [number, number]>;
  declare threshold: number | undefined;
  declare baseline: string;
  declare candidate: string;

  constructor() {
    super();
    this.pairs = [];
    this.threshold = undefined;
    this.baseline = 'baseline';
    this.candidate = 'candidate';
  }

  override render() {
    const t = this.threshold;
    const y = (v: number) => SIZE - scale(v);
    return html`<svg viewBox="0 0 ${SIZE} ${SIZE}" role="img" aria-label="Score of each compared frame, ${this.baseline} against ${this.candidate}">
      <rect x=${PAD} y=${PAD} width=${SIZE - 2 * PAD} height=${SIZE - 2 * PAD} class="frame" />
      <line x1=${scale(0)} y1=${y(0)} x2=${scale(1)} y2=${y(1)} class="diag" />
      ${
        t === undefined
          ? nothing
          : svg`<line x1=${scale(t)} y1=${y(0)} x2=${scale(t)} y2=${y(1)} class="thr" />
               <line x1=${scale(0)} y1=${y(t)} x2=${scale(1)} y2=${y(t)} class="thr" />`
      }
      ${this.pairs.map(
        ([b, c]) =>
          svg`<circle cx=${scale(b)} cy=${y(c)} r="2.4" class=${t !== undefined && b >= t !== c >= t ? 'flip' : 'pt'} />`,
      )}
      <text x=${SIZE / 2} y=${SIZE - 6} class="axis">${this.baseline} score</text>
      <text x="10" y=${SIZE / 2} class="axis" transform="rotate(-90 10 ${SIZE / 2})">${this.candidate} score</text>
    </svg>`;
  }

  static override styles = css`
    svg {
      width: 100%;
      max-width: 260px;
      display: block;
    }
    .frame {
      fill: var(--sl-track, #242b34);
    }
    .diag {
      stroke: var(--sl-grid, #333c47);
      stroke-dasharray: 3 3;
    }
    .thr {
      stroke: var(--sl-warn, #e0a93b);
      stroke-width: 0.8;
      opacity: 0.7;
    }
    .pt {
      fill: var(--sl-accent, #4fb3bf);
      opacity: 0.75;
    }
    .flip {
      fill: var(--sl-bad, #e5645b);
    }
    .axis {
      fill: var(--sl-muted, #8792a0);
      font-size: 10px;
      text-anchor: middle;
    }
  `;
}

customElements.define('sl-score-scatter', SlScoreScatter);

declare global {
  interface HTMLElementTagNameMap {
    'sl-score-scatter': SlScoreScatter;
  }
}
