import { css, html, LitElement } from 'lit';
import type { RecipeMetrics } from '../api/types.ts';
import { formatCount, formatPercent, formatPercentNumber } from '../format/format.ts';
import { tableStyles } from '../styles/shared.ts';

/** A line split by product (recipe): parts, share, defect rate with its interval. */
export class SlRecipeTable extends LitElement {
  static override properties = { recipes: { attribute: false } };

  declare recipes: RecipeMetrics[];

  constructor() {
    super();
    this.recipes = [];
  }

  override render() {
    return html`<table>
      <thead>
        <tr><th scope="col">Product</th><th scope="col" class="num">Parts</th><th scope="col" class="num">Share</th><th scope="col" class="num">Defects</th><th scope="col" class="num">Defect rate · 95 % CI</th></tr>
      </thead>
      <tbody>
        ${this.recipes.map(
          (r) => html`<tr data-recipe=${r.recipe}>
            <th scope="row">${r.recipe || 'none named'}</th>
            <td class="num">${formatCount(r.inspected)}</td>
            <td class="num">${formatPercent(r.share)}</td>
            <td class="num">${formatCount(r.defects)}</td>
            <td class="num ${r.inspected < 30 ? 'muted' : ''}">
              ${formatPercent(r.defect_rate)}
              <span class="ci">${formatPercentNumber(r.defect_rate_ci[0])}–${formatPercent(r.defect_rate_ci[1])}</span>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  static override styles = [
    tableStyles,
    css`
    .ci {
      margin-left: 6px;
      font-size: 0.8rem;
      color: var(--sl-muted);
    }
    .muted {
      color: var(--sl-muted);
    }
  `,
  ];
}

customElements.define('sl-recipe-table', SlRecipeTable);

declare global {
  interface HTMLElementTagNameMap {
    'sl-recipe-table': SlRecipeTable;
  }
}
