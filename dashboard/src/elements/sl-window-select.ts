import { css, html, LitElement } from 'lit';
import { type TimeWindow, WINDOWS } from '../api/types.ts';
import { windowLabel } from '../format/format.ts';
import { segmentedStyles } from '../styles/shared.ts';

/** Segmented control for the metrics window; fires `window-change` with the new window. */
export class SlWindowSelect extends LitElement {
  static override properties = { value: { type: String } };

  declare value: TimeWindow;

  constructor() {
    super();
    this.value = '5m';
  }

  #select(window: TimeWindow): void {
    if (window === this.value) return;
    this.value = window;
    this.dispatchEvent(
      new CustomEvent<TimeWindow>('window-change', { detail: window, bubbles: true, composed: true }),
    );
  }

  override render() {
    return html`
      <fieldset>
        <legend>Window</legend>
        ${WINDOWS.map(
          (w) => html`
            <label class=${w === this.value ? 'on' : ''}>
              <input
                type="radio"
                name="window"
                .value=${w}
                .checked=${w === this.value}
                aria-label=${`last ${windowLabel(w)}`}
                @change=${() => this.#select(w)}
              />
              <span aria-hidden="true">${w}</span>
            </label>
          `,
        )}
      </fieldset>
    `;
  }

  static override styles = [
    segmentedStyles,
    css`
  `,
  ];
}

customElements.define('sl-window-select', SlWindowSelect);

declare global {
  interface HTMLElementTagNameMap {
    'sl-window-select': SlWindowSelect;
  }
}
