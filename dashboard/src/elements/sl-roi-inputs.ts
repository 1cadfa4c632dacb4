import { css, html, LitElement, nothing } from 'lit';
import { type Access, NO_ACCESS } from '../api/permissions.ts';
import type { RoiInputChange, RoiInputName, RoiInputs, RoiInputsState } from '../api/types.ts';
import { formatDateTime } from '../format/format.ts';
import { toCsv } from '../model/csv.ts';
import { formatInput } from '../model/figure-format.ts';
import './sl-csv-button.ts';
import './sl-role-note.ts';
import { tableStyles } from '../styles/shared.ts';

/** ROI.md's inputs: symbol, meaning, unit; fractions are entered as percentages. */
const FIELDS: ReadonlyArray<{
  name: RoiInputName;
  symbol: string;
  meaning: string;
  unit: string;
  percent?: boolean;
}> = [
  {
    name: 'e_base',
    symbol: 'e_base',
    meaning: 'baseline escape rate (returns, warranty)',
    unit: '%',
    percent: true,
  },
  {
    name: 'p_base',
    symbol: 'p_base',
    meaning: 'baseline defect rate (set by the freeze)',
    unit: '%',
    percent: true,
  },
  { name: 's_base', symbol: 's_base', meaning: 'baseline throughput (set by the freeze)', unit: 'parts/min' },
  { name: 'c_esc', symbol: 'C_esc', meaning: 'cost per escaped defect', unit: '$' },
  { name: 'c_fr', symbol: 'C_fr', meaning: 'cost per falsely rejected good part', unit: '$' },
  { name: 'c_int', symbol: 'C_int', meaning: 'cost per defect produced (optional)', unit: '$' },
  { name: 'h_base', symbol: 'H_base', meaning: 'inspection hours per year before (optional)', unit: 'h' },
  { name: 'h_cur', symbol: 'H_cur', meaning: 'inspection hours per year now (optional)', unit: 'h' },
  { name: 'r_lab', symbol: 'R_lab', meaning: 'loaded labour rate (optional)', unit: '$/h' },
  { name: 'capex', symbol: 'CAPEX', meaning: 'one-off cost, counted at go-live', unit: '$' },
  { name: 'opex_y', symbol: 'OPEX_y', meaning: 'running cost per year', unit: '$' },
];

/** An input's value as the form shows it: fractions as percentages, to 10 significant digits. */
function shownValue(f: (typeof FIELDS)[number], v: number | null): string {
  if (v === null) return '';
  // At most four decimals: a frozen baseline's throughput reads 111.0817 parts/min, not 111.0817244115
  // (whole amounts keep every digit; saving compares with this view, so an untouched field stays as stored).
  return String(Number((f.percent ? v * 100 : v).toFixed(4)));
}

const HISTORY_CSV = [
  { header: 'ts', value: (c: RoiInputChange) => new Date(c.ts).toISOString() },
  { header: 'who', value: (c: RoiInputChange) => c.who },
  { header: 'field', value: (c: RoiInputChange) => c.field },
  { header: 'old', value: (c: RoiInputChange) => c.old },
  { header: 'new', value: (c: RoiInputChange) => c.new },
  { header: 'note', value: (c: RoiInputChange) => c.note },
];

/**
 * The line's ROI inputs with every change kept (who, when, old → new); editable by a role that may (`access`), read
 * with a note of the role that edits them by others.
 */
export class SlRoiInputs extends LitElement {
  static override properties = {
    state: { attribute: false },
    busy: { type: Boolean },
    error: { type: String },
    access: { attribute: false },
  };

  declare state: RoiInputsState | undefined;
  declare busy: boolean;
  /** Why the last save failed (e.g. the role may not edit). */
  declare error: string;
  declare access: Access;

  constructor() {
    super();
    this.state = undefined;
    this.busy = false;
    this.error = '';
    this.access = NO_ACCESS;
  }

  #save(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const inputs = this.state?.inputs;
    if (!inputs) return;
    const patch: Partial<RoiInputs> & { note?: string } = {};
    for (const f of FIELDS) {
      const raw = (form.elements.namedItem(f.name) as HTMLInputElement | null)?.value.trim() ?? '';
      // Only fields a person changed: what the form showed is a rounded view of the stored value.
      if (raw === shownValue(f, inputs[f.name])) continue;
      const value = raw === '' ? null : Number(raw) / (f.percent ? 100 : 1);
      if (value !== null && !Number.isFinite(value)) continue;
      patch[f.name] = value;
    }
    const note = (form.elements.namedItem('note') as HTMLInputElement | null)?.value.trim();
    if (Object.keys(patch).length === 0) return;
    if (note) patch.note = note;
    this.dispatchEvent(new CustomEvent('save-inputs', { detail: patch, bubbles: true, composed: true }));
  }

  override render() {
    const s = this.state;
    if (!s) return html`<p class="muted">Loading inputs…</p>`;
    const shown = (f: (typeof FIELDS)[number]) => shownValue(f, s.inputs[f.name]);
    const edit = this.access.permit('roi-inputs');
    return html`
      <form @submit=${this.#save}>
        <table>
          <thead><tr><th scope="col">Input</th><th scope="col">Meaning</th><th scope="col">Value</th></tr></thead>
          <tbody>
            ${FIELDS.map(
              (f) => html`<tr>
                <th scope="row">${edit.may ? html`<label for=${f.name}>${f.symbol}</label>` : f.symbol}</th>
                <td>${f.meaning}</td>
                <td class="value">
                  ${
                    edit.may
                      ? html`<input id=${f.name} name=${f.name} inputmode="decimal" .value=${shown(f)} placeholder="not entered" ?disabled=${this.busy} />`
                      : html`<span class="read" data-input=${f.name}>${shown(f) || 'not entered'}</span>`
                  }
                  <span class="unit">${f.unit}</span>
                </td>
              </tr>`,
            )}
          </tbody>
        </table>
        ${
          edit.may
            ? html`<div class="actions">
                <label class="note">Why <input name="note" placeholder="e.g. warranty data Q3" ?disabled=${this.busy} /></label>
                <button type="submit" ?disabled=${this.busy}>Save changes</button>
                ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
              </div>`
            : html`<sl-role-note .permit=${edit}></sl-role-note>`
        }
      </form>
      <div class="history-head">
        <h4>Change history</h4>
        <sl-csv-button .csv=${() => toCsv(HISTORY_CSV, s.history)} .filename=${`${s.line}-roi-inputs-history.csv`}></sl-csv-button>
      </div>
      ${
        s.history.length === 0
          ? html`<p class="muted">No changes yet.</p>`
          : html`<table class="history">
              <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Input</th><th scope="col">Old → new</th><th scope="col">Why</th></tr></thead>
              <tbody>
                ${s.history.map(
                  (c) => html`<tr>
                    <td>${formatDateTime(c.ts)}</td>
                    <td>${c.who}</td>
                    <td>${c.field}</td>
                    <td>${formatInput(c.field, c.old)} → ${formatInput(c.field, c.new)}</td>
                    <td>${c.note ?? ''}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
      }
    `;
  }

  static override styles = [
    tableStyles,
    css`
    :host {
      display: grid;
      gap: 10px;
    }
    tbody th {
      font-family: ui-monospace, Menlo, Consolas, monospace;
      font-weight: 500;
      white-space: nowrap;
    }
    td {
      color: var(--sl-text-2);
    }
    .value {
      white-space: nowrap;
    }
    input {
      font: inherit;
      width: 9em;
      padding: 3px 6px;
      border-radius: 4px;
      border: 1px solid var(--sl-border);
      background: var(--sl-bg);
      color: var(--sl-text);
      text-align: right;
    }
    .read {
      display: inline-block;
      min-width: 9em;
      text-align: right;
      color: var(--sl-text);
    }
    .note input {
      width: 16em;
      text-align: left;
    }
    .unit {
      margin-left: 4px;
      color: var(--sl-muted);
      font-size: 0.8rem;
    }
    .actions,
    .history-head {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 12px;
      align-items: center;
      margin-top: 8px;
    }
    .history-head {
      justify-content: space-between;
    }
    h4 {
      margin: 0;
      font-size: 0.9rem;
    }
    .note {
      display: inline-flex;
      gap: 6px;
      align-items: center;
      color: var(--sl-muted);
      font-size: 0.85rem;
    }
    button {
      font: inherit;
      font-size: 0.88rem;
      padding: 5px 14px;
      border-radius: 6px;
      border: 1px solid var(--sl-accent);
      background: var(--sl-accent);
      color: #001;
      font-weight: 600;
      cursor: pointer;
    }
    button:disabled {
      opacity: 0.5;
    }
    .error {
      color: var(--sl-bad);
      font-size: 0.85rem;
    }
    .muted {
      color: var(--sl-muted);
    }
    @media (max-width: 600px) {
      td:nth-child(2),
      th:nth-child(2) {
        display: none;
      }
    }
    @media print {
      .actions {
        display: none;
      }
      input {
        border: 0;
      }
    }
  `,
  ];
}

customElements.define('sl-roi-inputs', SlRoiInputs);

declare global {
  interface HTMLElementTagNameMap {
    'sl-roi-inputs': SlRoiInputs;
  }
}
