import { css, html, LitElement } from 'lit';
import { type TimeWindow, WINDOWS } from '../api/types.ts';
import { windowLabel } from '../format/format.ts';

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

  static override styles = css`
    fieldset {
      display: inline-flex;
      align-items: center;
      gap: 2px;
      margin: 0;
      padding: 3px;
      border: 1px solid var(--sl-border, #2a323c);
      border-radius: 6px;
      background: var(--sl-card, #1c2229);
    }
    legend {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
    label {
      position: relative;
      padding: 4px 12px;
      border-radius: 4px;
      font-size: 0.85rem;
      color: var(--sl-muted, #8b96a3);
      cursor: pointer;
      font-variant-numeric: tabular-nums;
    }
    label:hover {
      color: var(--sl-text, #e6e9ed);
    }
    label.on {
      background: var(--sl-track, #232a33);
      color: var(--sl-text, #e6e9ed);
    }
    input {
      position: absolute;
      opacity: 0;
      inset: 0;
      margin: 0;
      cursor: pointer;
    }
    label:has(input:focus-visible) {
      outline: 2px solid var(--sl-accent, #4fb3bf);
      outline-offset: 1px;
    }
  `;
}

customElements.define('sl-window-select', SlWindowSelect);

declare global {
  interface HTMLElementTagNameMap {
    'sl-window-select': SlWindowSelect;
  }
}
