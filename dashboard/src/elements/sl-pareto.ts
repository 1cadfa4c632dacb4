import { css, html, LitElement, nothing } from 'lit';
import { formatCount, formatPercent } from '../format/format.ts';
import { paretoOf } from '../model/csv.ts';
import { tableStyles } from '../styles/shared.ts';

/** Defects by class, most first, with each class's share and the cumulative share (Pareto). */
export class SlPareto extends LitElement {
  static override properties = { classes: { attribute: false }, defects: { type: Number } };

  declare classes: ReadonlyArray<Record<string, number>>;
  /** All defects in the range; those without a class are shown as such. */
  declare defects: number;

  constructor() {
    super();
    this.classes = [];
    this.defects = 0;
  }

  override render() {
    const rows = paretoOf(this.classes);
    if (rows.length === 0) {
      return html`<p class="empty">No defect classes in this range${this.defects > 0 ? ' (the model reports none)' : ''}.</p>`;
    }
    const max = rows[0]?.count ?? 1;
    const classified = rows.reduce((s, r) => s + r.count, 0);
    return html`<table>
        <thead>
          <tr><th scope="col">Class</th><th scope="col" class="num">Defects</th><th scope="col" class="bar-col"><span class="sr">Share</span></th><th scope="col" class="num">Cum.</th></tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) => html`<tr>
              <th scope="row">${r.name}</th>
              <td class="num">${formatCount(r.count)}</td>
              <td class="bar-col"><span class="bar" style="width:${((r.count / max) * 100).toFixed(1)}%"></span><span class="share">${formatPercent(r.share)}</span></td>
              <td class="num">${formatPercent(r.cumulative)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${
        this.defects > classified
          ? html`<p class="note">${formatCount(this.defects - classified)} defects carry no class.</p>`
          : nothing
      }`;
  }

  static override styles = [
    tableStyles,
    css`
    .bar-col {
      width: 45%;
      position: relative;
    }
    .bar {
      display: inline-block;
      height: 12px;
      vertical-align: middle;
      background: color-mix(in srgb, var(--sl-bad) 70%, transparent);
      border-radius: 2px;
    }
    .share {
      margin-left: 6px;
      color: var(--sl-text-2);
      font-size: 0.8rem;
    }
    .sr {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
    .empty,
    .note {
      color: var(--sl-muted);
      font-size: 0.85rem;
      margin: 6px 0;
    }
  `,
  ];
}

customElements.define('sl-pareto', SlPareto);

declare global {
  interface HTMLElementTagNameMap {
    'sl-pareto': SlPareto;
  }
}
