import { css, html, LitElement, nothing } from 'lit';
import { RANGE_LABELS, RANGE_PRESETS, type RangePreset } from '../model/range.ts';
import { segmentedStyles } from '../styles/shared.ts';

export interface RangeChoice {
  preset: RangePreset;
  /** Custom range, epoch ms. */
  from?: number;
  to?: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Value for <input type="datetime-local"> in the browser's time zone. */
const localInput = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/** Range of the line view: presets, the plant's shifts, or a custom from/to; fires `range-change`. */
export class SlRangePicker extends LitElement {
  static override properties = { value: { attribute: false }, customOpen: { state: true } };

  declare value: RangeChoice;
  declare customOpen: boolean;

  constructor() {
    super();
    this.value = { preset: '8h' };
    this.customOpen = false;
  }

  #emit(choice: RangeChoice): void {
    this.value = choice;
    this.dispatchEvent(
      new CustomEvent<RangeChoice>('range-change', { detail: choice, bubbles: true, composed: true }),
    );
  }

  #pick(preset: RangePreset): void {
    if (preset === 'custom') {
      this.customOpen = true;
      return;
    }
    this.customOpen = false;
    this.#emit({ preset });
  }

  #apply(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const from = new Date((form.elements.namedItem('from') as HTMLInputElement).value).getTime();
    const to = new Date((form.elements.namedItem('to') as HTMLInputElement).value).getTime();
    const error = form.querySelector('.error');
    if (!(Number.isFinite(from) && Number.isFinite(to) && to > from)) {
      if (error) error.textContent = 'Choose a start before the end.';
      return;
    }
    if (error) error.textContent = '';
    this.#emit({ preset: 'custom', from, to });
  }

  override render() {
    const now = Date.now();
    const custom = this.customOpen || this.value.preset === 'custom';
    return html`
      <fieldset>
        <legend>Range</legend>
        ${RANGE_PRESETS.map(
          (
            p,
          ) => html`<label class=${(p === 'custom' ? custom : p === this.value.preset && !custom) ? 'on' : ''}>
            <input
              type="radio"
              name="range"
              .checked=${p === 'custom' ? custom : p === this.value.preset && !custom}
              @change=${() => this.#pick(p)}
            />${RANGE_LABELS[p]}
          </label>`,
        )}
      </fieldset>
      ${
        custom
          ? html`<form class="custom" @submit=${this.#apply}>
              <label>From <input name="from" type="datetime-local" .value=${localInput(this.value.from ?? now - 86_400_000)} required /></label>
              <label>To <input name="to" type="datetime-local" .value=${localInput(this.value.to ?? now)} required /></label>
              <button type="submit">Show</button>
              <span class="error" role="alert"></span>
            </form>`
          : nothing
      }
    `;
  }

  static override styles = [
    segmentedStyles,
    css`
    :host {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 12px;
      align-items: center;
    }
    label {
      position: relative;
      padding: 4px 10px;
      border-radius: 4px;
      font-size: 0.85rem;
      color: var(--sl-muted);
      cursor: pointer;
      white-space: nowrap;
    }
    .custom {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
    }
    .custom label {
      padding: 0;
      color: var(--sl-text-2);
    }
    .custom input,
    button {
      font: inherit;
      font-size: 0.85rem;
      color: var(--sl-text);
      background: var(--sl-card);
      border: 1px solid var(--sl-border);
      border-radius: 5px;
      padding: 3px 6px;
      color-scheme: dark;
    }
    button {
      cursor: pointer;
      background: var(--sl-track);
    }
    .error {
      color: var(--sl-bad);
      font-size: 0.85rem;
    }
  `,
  ];
}

customElements.define('sl-range-picker', SlRangePicker);

declare global {
  interface HTMLElementTagNameMap {
    'sl-range-picker': SlRangePicker;
  }
}
