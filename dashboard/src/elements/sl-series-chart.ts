import { css, html, LitElement, nothing, svg } from 'lit';
import { SizeController } from '../controllers/size-controller.ts';
import { linearScale, niceMax, niceTicks } from '../model/scale.ts';
import { formatTick, timeTicks } from '../model/time-ticks.ts';

export interface SeriesValue {
  start: number;
  end: number;
  /** null: no data in the bucket (drawn as a gap). */
  value: number | null;
}

const M = { top: 8, right: 14, bottom: 22, left: 52 };

/**
 * One figure over time, small: bars for counts (inspected, rejects), a line for ratios and rates (coverage,
 * throughput), an optional reference line (a baseline). The same time axis as the p-chart above it.
 */
export class SlSeriesChart extends LitElement {
  static override properties = {
    label: { type: String },
    values: { attribute: false },
    kind: { type: String },
    from: { type: Number },
    to: { type: Number },
    yMax: { attribute: false },
    reference: { attribute: false },
    referenceLabel: { type: String },
    format: { attribute: false },
    summary: { type: String },
  };

  declare label: string;
  declare values: SeriesValue[];
  declare kind: 'bars' | 'line';
  declare from: number;
  declare to: number;
  /** Fixed top of the axis (1 for a ratio); otherwise from the data. */
  declare yMax: number | null;
  declare reference: number | null;
  declare referenceLabel: string;
  declare format: (v: number) => string;
  /** The figure over the whole range, shown beside the label. */
  declare summary: string;

  readonly #size = new SizeController(this);

  constructor() {
    super();
    this.label = '';
    this.values = [];
    this.kind = 'line';
    this.from = 0;
    this.to = 1;
    this.yMax = null;
    this.reference = null;
    this.referenceLabel = '';
    this.format = String;
    this.summary = '';
  }

  override render() {
    const width = this.#size.width;
    const h = 110;
    const head = html`<h3>${this.label} <span class="summary">${this.summary}</span></h3>`;
    if (width === 0) return html`${head}<div style="height:${h}px"></div>`;
    const present = this.values.filter((v) => v.value !== null) as Array<SeriesValue & { value: number }>;
    const top = this.yMax ?? niceMax(Math.max(this.reference ?? 0, ...present.map((v) => v.value)) || 1, 2);
    const x = linearScale([this.from, this.to], [M.left, width - M.right]);
    const y = linearScale([0, top], [h - M.bottom, M.top]);
    const yTicks = niceTicks(0, top, 2);
    const xTicks = timeTicks(this.from, this.to, Math.max(2, Math.floor(width / 110)));
    const step = (xTicks[1] ?? this.to) - (xTicks[0] ?? this.from);
    let marks: unknown;
    if (this.kind === 'bars') {
      marks = present.map((v) => {
        const x0 = x(v.start);
        const w = Math.max(1, x(v.end) - x0 - (x(v.end) - x0 > 4 ? 1 : 0));
        return svg`<rect class="bar" x=${x0} y=${y(Math.min(v.value, top))} width=${w} height=${Math.max(0, y(0) - y(Math.min(v.value, top)))}></rect>`;
      });
    } else {
      let d = '';
      let prevEnd: number | undefined;
      for (const v of present) {
        const cx = x((v.start + v.end) / 2).toFixed(1);
        d += `${prevEnd === v.start ? 'L' : 'M'}${cx},${y(Math.min(v.value, top)).toFixed(1)}`;
        prevEnd = v.end;
      }
      marks = svg`<path class="line" d=${d}></path>${
        present.length < 40
          ? present.map(
              (v) =>
                svg`<circle class="dot" cx=${x((v.start + v.end) / 2)} cy=${y(Math.min(v.value, top))} r="2"></circle>`,
            )
          : nothing
      }`;
    }
    return html`${head}
      <svg width=${width} height=${h} role="img" aria-label=${`${this.label}: ${this.summary}`}>
        ${yTicks.map(
          (t) => svg`<line class="grid" x1=${M.left} x2=${width - M.right} y1=${y(t)} y2=${y(t)}></line>
            <text class="ylab" x=${M.left - 6} y=${y(t)} dy="0.32em">${this.format(t)}</text>`,
        )}
        ${xTicks.map((t, i) => svg`<text class="xlab" x=${x(t)} y=${h - 5}>${formatTick(t, step, xTicks[i - 1])}</text>`)}
        ${marks}
        ${
          this.reference === null
            ? nothing
            : svg`<line class="ref" x1=${M.left} x2=${width - M.right} y1=${y(this.reference)} y2=${y(this.reference)}></line>
              <text class="reflab" x=${width - M.right} y=${y(this.reference) - 4}>${this.referenceLabel}</text>`
        }
      </svg>`;
  }

  static override styles = css`
    :host {
      display: block;
      min-width: 0;
    }
    h3 {
      margin: 0 0 2px;
      font-size: 0.78rem;
      font-weight: 600;
      text-transform: uppercase;
      letter-spacing: 0.07em;
      color: var(--sl-muted);
    }
    .summary {
      margin-left: 6px;
      text-transform: none;
      letter-spacing: 0;
      color: var(--sl-text);
      font-size: 0.9rem;
      font-variant-numeric: tabular-nums;
    }
    svg {
      display: block;
      overflow: visible;
    }
    .grid {
      stroke: var(--sl-grid);
    }
    text {
      fill: var(--sl-muted);
      font-size: 10.5px;
      font-variant-numeric: tabular-nums;
    }
    .ylab {
      text-anchor: end;
    }
    .xlab {
      text-anchor: middle;
    }
    .bar {
      fill: color-mix(in srgb, var(--sl-accent) 70%, transparent);
    }
    :host([tone='bad']) .bar {
      fill: color-mix(in srgb, var(--sl-bad) 75%, transparent);
    }
    .line {
      fill: none;
      stroke: var(--sl-accent);
      stroke-width: 1.6;
    }
    .dot {
      fill: var(--sl-accent);
    }
    .ref {
      stroke: var(--sl-text-2);
      stroke-dasharray: 6 4;
    }
    .reflab {
      text-anchor: end;
      fill: var(--sl-text-2);
    }
    @media (forced-colors: active) {
      .bar,
      .dot {
        fill: CanvasText;
      }
      .line,
      .ref {
        stroke: CanvasText;
      }
    }
  `;
}

customElements.define('sl-series-chart', SlSeriesChart);

declare global {
  interface HTMLElementTagNameMap {
    'sl-series-chart': SlSeriesChart;
  }
}
