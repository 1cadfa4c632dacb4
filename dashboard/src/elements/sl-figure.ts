import { css, html, LitElement, nothing } from 'lit';
import type { Figure } from '../api/types.ts';
import { formatPercent, formatPercentNumber } from '../format/format.ts';
import { FLAG_TEXT, formatFigure, formatInput } from '../model/figure-format.ts';

/** One derived figure with the inputs and the formula behind it (ROI.md: every figure shown with its inputs). */
export class SlFigure extends LitElement {
  static override properties = {
    label: { type: String },
    figure: { attribute: false },
    emphasis: { type: Boolean, reflect: true },
  };

  declare label: string;
  declare figure: Figure | undefined;
  /** A headline figure: larger value. */
  declare emphasis: boolean;

  constructor() {
    super();
    this.label = '';
    this.figure = undefined;
    this.emphasis = false;
  }

  override render() {
    const f = this.figure;
    if (!f) return nothing;
    const inputs = Object.entries(f.inputs);
    const muted = f.value === null || f.flags.includes('low-n');
    return html`<figure class=${muted ? 'muted' : ''}>
      <figcaption>${this.label}</figcaption>
      <div class="value" data-value=${f.value ?? ''}>${formatFigure(f)}</div>
      ${
        f.interval
          ? html`<div class="ci">95 % CI ${formatPercentNumber(f.interval[0])}–${formatPercent(f.interval[1])}</div>`
          : nothing
      }
      ${f.flags.length ? html`<ul class="flags">${f.flags.map((x) => html`<li>${FLAG_TEXT[x] ?? x}</li>`)}</ul>` : nothing}
      ${f.missing.length ? html`<p class="missing">Enter ${f.missing.join(', ')} to compute this.</p>` : nothing}
      <p class="formula"><code>${f.formula}</code></p>
      ${
        inputs.length
          ? html`<dl class="inputs">
              ${inputs.map(([k, v]) => html`<div><dt>${k}</dt><dd>${formatInput(k, v)}</dd></div>`)}
            </dl>`
          : nothing
      }
      ${f.note ? html`<p class="note">${f.note}</p>` : nothing}
    </figure>`;
  }

  static override styles = css`
    :host {
      display: block;
      min-width: 0;
    }
    figure {
      margin: 0;
      height: 100%;
      box-sizing: border-box;
      padding: 12px 14px;
      border: 1px solid var(--sl-border);
      border-radius: 8px;
      background: var(--sl-card);
      display: grid;
      gap: 4px;
      align-content: start;
    }
    figcaption {
      font-size: 0.72rem;
      text-transform: uppercase;
      letter-spacing: 0.07em;
      color: var(--sl-muted);
      font-weight: 600;
    }
    .value {
      font-size: 1.35rem;
      font-weight: 650;
      font-variant-numeric: tabular-nums;
    }
    :host([emphasis]) .value {
      font-size: 2rem;
    }
    .muted .value {
      color: var(--sl-muted);
    }
    .ci,
    .note {
      font-size: 0.82rem;
      color: var(--sl-text-2);
      margin: 0;
    }
    .flags {
      margin: 0;
      padding: 0;
      list-style: none;
      font-size: 0.78rem;
      color: var(--sl-warn);
    }
    .missing {
      margin: 0;
      font-size: 0.8rem;
      color: var(--sl-warn);
    }
    .formula {
      margin: 2px 0 0;
    }
    code {
      font-family: ui-monospace, Menlo, Consolas, monospace;
      font-size: 0.76rem;
      color: var(--sl-text-2);
      white-space: normal;
    }
    .inputs {
      margin: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 2px 12px;
      font-size: 0.76rem;
      font-variant-numeric: tabular-nums;
    }
    .inputs div {
      display: flex;
      gap: 4px;
    }
    dt {
      color: var(--sl-muted);
    }
    dd {
      margin: 0;
      color: var(--sl-text-2);
    }
    @media print {
      figure {
        break-inside: avoid;
        border-color: #999;
      }
    }
  `;
}

customElements.define('sl-figure', SlFigure);

declare global {
  interface HTMLElementTagNameMap {
    'sl-figure': SlFigure;
  }
}
