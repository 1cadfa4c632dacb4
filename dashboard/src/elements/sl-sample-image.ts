import { css, html, LitElement, nothing, svg } from 'lit';
import type { SampleRecord } from '../api/types.ts';

/**
 * A sample image with the model's overlay: the defect region and boxes drawn in image pixels (an SVG over the
 * image with the image's own size as its viewBox, so the overlay stays on the part at any display size).
 */
export class SlSampleImage extends LitElement {
  static override properties = {
    sample: { attribute: false },
    src: { type: String },
    large: { type: Boolean, reflect: true },
  };

  declare sample: SampleRecord | undefined;
  declare src: string;
  declare large: boolean;

  constructor() {
    super();
    this.sample = undefined;
    this.src = '';
    this.large = false;
  }

  override render() {
    const s = this.sample;
    if (!s) return nothing;
    const w = s.width ?? 0;
    const h = s.height ?? 0;
    const boxes = [
      ...(s.region ? [{ ...s.region, region: true }] : []),
      ...(s.boxes ?? []).map((b) => ({ ...b, region: false })),
    ];
    const alt = `${s.verdict ?? 'sample'} from ${s.line} ${s.agent}, score ${s.score?.toFixed(2) ?? '–'}`;
    return html`<div class="frame" style=${w && h ? `aspect-ratio:${w}/${h}` : ''}>
      <img src=${this.src} alt=${alt} loading=${this.large ? 'eager' : 'lazy'} decoding="async" />
      ${
        w && h && boxes.length
          ? html`<svg viewBox="0 0 ${w} ${h}" preserveAspectRatio="none" aria-hidden="true">
              ${boxes.map(
                (
                  b,
                ) => svg`<rect class=${b.region ? 'region' : 'box'} x=${b.x} y=${b.y} width=${b.w} height=${b.h} vector-effect="non-scaling-stroke"></rect>
                  ${this.large && b.label ? svg`<text x=${b.x} y=${Math.max(12, b.y - 4)}>${b.label}${b.score === undefined ? '' : ` ${b.score.toFixed(2)}`}</text>` : nothing}`,
              )}
            </svg>`
          : nothing
      }
    </div>`;
  }

  static override styles = css`
    :host {
      display: block;
    }
    .frame {
      position: relative;
      width: 100%;
      background: #000;
      border-radius: 4px;
      overflow: hidden;
    }
    img {
      display: block;
      width: 100%;
      height: 100%;
      object-fit: contain;
      image-rendering: auto;
    }
    svg {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
    }
    rect {
      fill: none;
      stroke-width: 2;
    }
    .region {
      stroke: var(--sl-bad);
      fill: color-mix(in srgb, var(--sl-bad) 12%, transparent);
    }
    .box {
      stroke: var(--sl-warn);
    }
    text {
      fill: var(--sl-warn);
      font-size: 12px;
      paint-order: stroke;
      stroke: #000;
      stroke-width: 3px;
    }
  `;
}

customElements.define('sl-sample-image', SlSampleImage);

declare global {
  interface HTMLElementTagNameMap {
    'sl-sample-image': SlSampleImage;
  }
}
