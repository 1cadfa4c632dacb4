import { css, html, LitElement, nothing } from 'lit';
import { formatPercent, formatPercentNumber } from '../format/format.ts';

/** Axis tick: 0.1 -> "10", 0.025 -> "2.5". */
const formatAxis = (fraction: number) => String(Number((fraction * 100).toFixed(1)));

/**
 * A defect-rate glyph on a 0..scaleMax axis: the Wilson interval as a band, the observed
 * rate as a bar end, and ground truth (when known) as a caret above the track.
 */
export class SlRateBar extends LitElement {
  static override properties = {
    rate: { type: Number },
    lo: { type: Number },
    hi: { type: Number },
    truth: { attribute: false },
    scaleMax: { type: Number, attribute: 'scale-max' },
    uncertain: { type: Boolean, reflect: true },
  };

  declare rate: number;
  declare lo: number;
  declare hi: number;
  declare truth: number | null;
  declare scaleMax: number;
  /** Sample too small for the interval to mean much: drawn muted. */
  declare uncertain: boolean;

  constructor() {
    super();
    this.rate = 0;
    this.lo = 0;
    this.hi = 0;
    this.truth = null;
    this.scaleMax = 0.1;
    this.uncertain = false;
  }

  #pos(value: number): string {
    const clamped = Math.min(1, Math.max(0, value / this.scaleMax));
    return `${(clamped * 100).toFixed(2)}%`;
  }

  #label(): string {
    const interval = `95 % interval ${formatPercentNumber(this.lo)} to ${formatPercent(this.hi)}`;
    const truth = this.truth === null ? '' : `; ground truth ${formatPercent(this.truth)}`;
    return `Defect rate ${formatPercent(this.rate)}, ${interval}${truth}`;
  }

  override render() {
    const mid = this.scaleMax / 2;
    return html`
      <div class="plot" role="img" aria-label=${this.#label()}>
        <div class="track" aria-hidden="true">
          <div class="fill" style="width:${this.#pos(this.rate)}"></div>
          <div class="band" style="left:${this.#pos(this.lo)};width:calc(${this.#pos(this.hi)} - ${this.#pos(this.lo)})"></div>
          <div class="point" style="left:${this.#pos(this.rate)}"></div>
          ${
            this.truth === null
              ? nothing
              : html`<div class="truth" style="left:${this.#pos(this.truth)}" title="ground truth"></div>`
          }
        </div>
        <div class="axis" aria-hidden="true">
          <span>0</span><span>${formatAxis(mid)}</span><span>${formatAxis(this.scaleMax)} %</span>
        </div>
      </div>
    `;
  }

  static override styles = css`
    :host {
      display: block;
      padding-top: 8px;
      --bar: var(--sl-accent, #4fb3bf);
    }
    :host([uncertain]) {
      --bar: var(--sl-muted, #8b96a3);
    }
    .track {
      position: relative;
      height: 14px;
      border-radius: 3px;
      background: var(--sl-track, #232a33);
      background-image: linear-gradient(
        to right,
        transparent calc(50% - 0.5px),
        var(--sl-grid, #313a45) calc(50% - 0.5px),
        var(--sl-grid, #313a45) calc(50% + 0.5px),
        transparent calc(50% + 0.5px)
      );
    }
    .fill {
      position: absolute;
      inset: 0 auto 0 0;
      border-radius: 3px 0 0 3px;
      background: color-mix(in srgb, var(--bar) 35%, transparent);
    }
    .band {
      position: absolute;
      top: 3px;
      bottom: 3px;
      min-width: 2px;
      border-radius: 2px;
      background: color-mix(in srgb, var(--bar) 45%, transparent);
      border: 1px solid color-mix(in srgb, var(--bar) 80%, transparent);
      box-sizing: border-box;
    }
    :host([uncertain]) .band {
      border-style: dashed;
    }
    .point {
      position: absolute;
      top: -3px;
      bottom: -3px;
      width: 3px;
      margin-left: -1.5px;
      border-radius: 1px;
      background: var(--bar);
    }
    .truth {
      position: absolute;
      top: -9px;
      width: 0;
      height: 0;
      margin-left: -5px;
      border: 5px solid transparent;
      border-bottom: 0;
      border-top: 6px solid var(--sl-text, #e6e9ed);
    }
    .axis {
      display: flex;
      justify-content: space-between;
      margin-top: 4px;
      font-size: 0.7rem;
      color: var(--sl-muted, #8b96a3);
      font-variant-numeric: tabular-nums;
    }
  `;
}

customElements.define('sl-rate-bar', SlRateBar);

declare global {
  interface HTMLElementTagNameMap {
    'sl-rate-bar': SlRateBar;
  }
}
