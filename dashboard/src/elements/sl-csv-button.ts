import { css, html, LitElement } from 'lit';

/** "CSV" button: asks its `csv` function for the table as it is now and downloads it as `filename`. */
export class SlCsvButton extends LitElement {
  static override properties = {
    csv: { attribute: false },
    filename: { type: String },
    label: { type: String },
  };

  declare csv: (() => string) | undefined;
  declare filename: string;
  declare label: string;

  constructor() {
    super();
    this.csv = undefined;
    this.filename = 'sightline.csv';
    this.label = 'CSV';
  }

  #download(): void {
    if (!this.csv) return;
    const url = URL.createObjectURL(new Blob([this.csv()], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = this.filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  }

  override render() {
    return html`<button type="button" @click=${this.#download} title=${`Download ${this.filename}`}>
      <span aria-hidden="true">⤓</span> ${this.label}
    </button>`;
  }

  static override styles = css`
    button {
      font: inherit;
      font-size: 0.8rem;
      padding: 3px 10px;
      border-radius: 5px;
      border: 1px solid var(--sl-border);
      background: var(--sl-card);
      color: var(--sl-text-2);
      cursor: pointer;
    }
    button:hover {
      color: var(--sl-text);
    }
    button:focus-visible {
      outline: 2px solid var(--sl-accent);
    }
    @media print {
      button {
        display: none;
      }
    }
  `;
}

customElements.define('sl-csv-button', SlCsvButton);

declare global {
  interface HTMLElementTagNameMap {
    'sl-csv-button': SlCsvButton;
  }
}
