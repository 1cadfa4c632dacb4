import { css, html, LitElement, nothing, svg } from 'lit';
import type { SeriesPoint } from '../api/types.ts';
import { SizeController } from '../controllers/size-controller.ts';
import { formatCount, formatPercent, formatPercentNumber } from '../format/format.ts';
import { linearScale, niceMax, niceTicks } from '../model/scale.ts';
import { formatTick, timeTicks } from '../model/time-ticks.ts';

const M = { top: 12, right: 14, bottom: 26, left: 52 };
/** Axis label: 0.025 -> "2.5 %", 0.1 -> "10 %". */
const axisPercent = (v: number) => `${Number((v * 100).toFixed(2))} %`;
/** Points with fewer parts get wide limits; they do not set the axis. */
const AXIS_MIN_N = 30;

/**
 * A p-chart (ROI.md §5): each bucket's defect rate, its own 3σ limits from p̄ and its n (drawn as steps), the
 * centre line p̄, and points beyond a limit flagged with a shape and a colour. Clean SVG: crisp at any size,
 * prints with the report, styled by the theme, each point titled for screen readers and tooltips.
 */
export class SlPChart extends LitElement {
  static override properties = {
    points: { attribute: false },
    pBar: { attribute: false },
    from: { type: Number },
    to: { type: Number },
    height: { type: Number },
  };

  declare points: SeriesPoint[];
  declare pBar: number | null;
  declare from: number;
  declare to: number;
  declare height: number;

  readonly #size = new SizeController(this);

  constructor() {
    super();
    this.points = [];
    this.pBar = null;
    this.from = 0;
    this.to = 1;
    this.height = 260;
  }

  #yMax(): number {
    const shown = this.points.filter((p) => p.n > 0);
    const steady = shown.filter((p) => p.n >= AXIS_MIN_N);
    const basis = steady.length > 0 ? steady : shown;
    const top = Math.max((this.pBar ?? 0) * 2, ...basis.map((p) => p.rate), ...basis.map((p) => p.ucl ?? 0));
    return niceMax(top || 0.01);
  }

  override render() {
    const width = this.#size.width;
    if (width === 0) return html`<div class="sizer" style="height:${this.height}px"></div>`;
    const h = this.height;
    const yMax = this.#yMax();
    const x = linearScale([this.from, this.to], [M.left, width - M.right]);
    const y = linearScale([0, yMax], [h - M.bottom, M.top]);
    const clampY = (v: number) => y(Math.min(v, yMax));
    const pts = this.points.filter((p) => p.n > 0);
    const steps = (key: 'ucl' | 'lcl') =>
      pts
        .filter((p) => p[key] !== null)
        .map((p) => `M${x(p.start).toFixed(1)},${clampY(p[key] ?? 0).toFixed(1)}H${x(p.end).toFixed(1)}`)
        .join('');
    const mid = (p: SeriesPoint) => x((p.start + p.end) / 2);
    const line = pts
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${mid(p).toFixed(1)},${clampY(p.rate).toFixed(1)}`)
      .join('');
    const yTicks = niceTicks(0, yMax, 4);
    const xTicks = timeTicks(this.from, this.to, Math.max(2, Math.floor(width / 110)));
    const step = (xTicks[1] ?? this.to) - (xTicks[0] ?? this.from);
    const flagged = pts.filter((p) => p.signal !== null).length;
    const label = `p-chart of the defect rate, ${pts.length} points, ${flagged} beyond the control limits${
      this.pBar === null ? '' : `, centre line ${formatPercent(this.pBar)}`
    }`;
    return html`
      <svg width=${width} height=${h} role="img" aria-label=${label}>
        <g class="grid">
          ${yTicks.map(
            (t) => svg`<line x1=${M.left} x2=${width - M.right} y1=${y(t)} y2=${y(t)}></line>
              <text class="ylab" x=${M.left - 6} y=${y(t)} dy="0.32em">${axisPercent(t)}</text>`,
          )}
          ${xTicks.map(
            (t, i) =>
              svg`<text class="xlab" x=${x(t)} y=${h - 6}>${formatTick(t, step, xTicks[i - 1])}</text>`,
          )}
        </g>
        <path class="limit" d=${steps('ucl')}></path>
        <path class="limit" d=${steps('lcl')}></path>
        ${
          this.pBar === null
            ? nothing
            : svg`<line class="centre" x1=${M.left} x2=${width - M.right} y1=${y(this.pBar)} y2=${y(this.pBar)}></line>`
        }
        <path class="rate" d=${line}></path>
        ${pts.map((p) => {
          const cx = mid(p);
          const cy = clampY(p.rate);
          const title = `${new Date(p.start).toLocaleString()}: ${formatPercent(p.rate)} (${formatCount(p.x)} of ${formatCount(p.n)}), limits ${
            p.lcl === null ? '–' : formatPercentNumber(p.lcl)
          }–${p.ucl === null ? '–' : formatPercent(p.ucl)}${p.signal ? `, ${p.signal} the limit` : ''}`;
          if (p.signal === null) {
            return svg`<circle class="pt" cx=${cx} cy=${cy} r="2.6"><title>${title}</title></circle>`;
          }
          const d = p.signal === 'above' ? `M${cx},${cy - 6}l5.5,9h-11z` : `M${cx},${cy + 6}l5.5,-9h-11z`;
          return svg`<path class="flag" data-signal=${p.signal} d=${d}><title>${title}</title></path>`;
        })}
      </svg>
      <p class="legend" aria-hidden="true">
        <span><i class="k-rate"></i>defect rate per bucket</span>
        ${this.pBar === null ? nothing : html`<span><i class="k-centre"></i>p̄ ${formatPercent(this.pBar)}</span>`}
        <span><i class="k-limit"></i>3σ limits for each point's n</span>
        <span><b class="k-flag">▲</b>beyond a limit (${flagged})</span>
      </p>
    `;
  }

  static override styles = css`
    :host {
      display: block;
      min-width: 0;
    }
    svg {
      display: block;
      overflow: visible;
    }
    .grid line {
      stroke: var(--sl-grid);
      stroke-width: 1;
    }
    text {
      fill: var(--sl-muted);
      font-size: 11px;
      font-variant-numeric: tabular-nums;
    }
    .ylab {
      text-anchor: end;
    }
    .xlab {
      text-anchor: middle;
    }
    .limit {
      fill: none;
      stroke: var(--sl-warn);
      stroke-width: 1.5;
      stroke-dasharray: 4 3;
    }
    .centre {
      stroke: var(--sl-text-2);
      stroke-width: 1.2;
      stroke-dasharray: 8 4;
    }
    .rate {
      fill: none;
      stroke: var(--sl-accent);
      stroke-width: 1.6;
    }
    .pt {
      fill: var(--sl-accent);
    }
    .flag {
      fill: var(--sl-bad);
      stroke: var(--sl-bg);
      stroke-width: 1;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 16px;
      margin: 6px 0 0 52px;
      font-size: 0.78rem;
      color: var(--sl-text-2);
    }
    .legend span {
      display: inline-flex;
      align-items: center;
      gap: 6px;
    }
    .legend i {
      display: inline-block;
      width: 16px;
      height: 0;
      border-top: 2px solid var(--sl-accent);
    }
    .legend .k-centre {
      border-top: 2px dashed var(--sl-text-2);
    }
    .legend .k-limit {
      border-top: 2px dashed var(--sl-warn);
    }
    .k-flag {
      color: var(--sl-bad);
      font-size: 0.8rem;
    }
    @media (forced-colors: active) {
      .rate,
      .limit,
      .centre {
        stroke: CanvasText;
      }
      .pt,
      .flag {
        fill: CanvasText;
      }
    }
  `;
}

customElements.define('sl-p-chart', SlPChart);

declare global {
  interface HTMLElementTagNameMap {
    'sl-p-chart': SlPChart;
  }
}
