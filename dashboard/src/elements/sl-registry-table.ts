import type { RegistryEntry } from '@sightline/protocol';
import { css, html, LitElement, nothing } from 'lit';
import { type Access, NO_ACCESS } from '../api/permissions.ts';
import { formatPercent } from '../format/format.ts';
import './sl-role-note.ts';

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

/**
 * The model registry: each bundle with its check (golden images, latency), who signed it and its evaluation;
 * those whose role may (`access`) upload a bundle (`bundle-upload` event with the file) and pick one to roll out
 * (`roll-out`); others read a note of the role that does.
 */
export class SlRegistryTable extends LitElement {
  static override properties = { models: { attribute: false }, access: { attribute: false } };

  declare models: readonly RegistryEntry[];
  declare access: Access;

  constructor() {
    super();
    this.models = [];
    this.access = NO_ACCESS;
  }

  #emit(name: string, detail: unknown) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  #upload(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file) this.#emit('bundle-upload', file);
    input.value = '';
  }

  override render() {
    const upload = this.access.permit('model-upload');
    const rollOut = this.access.permit('roll-out');
    return html`
      ${
        upload.may
          ? html`<label class="upload">Upload a bundle (.slb) <input type="file" accept=".slb" @change=${this.#upload} /></label>`
          : html`<sl-role-note .permit=${upload}></sl-role-note>`
      }
      <sl-role-note .permit=${rollOut}></sl-role-note>
      ${
        this.models.length === 0
          ? html`<p class="muted">No models yet. Build one with <code>sightline-models bundle</code> and upload it.</p>`
          : html`<table>
              <thead><tr><th>model</th><th>status</th><th>golden images</th><th>latency</th><th>evaluation</th><th>signed by</th><th></th></tr></thead>
              <tbody>
                ${this.models.map((m) => {
                  const ev = m.evaluation as { precision?: number; recall?: number } | null;
                  return html`<tr data-model=${`${m.id}@${m.version}`}>
                    <td>${m.id} <strong>${m.version}</strong><div class="muted">${kib(m.bytes)} · ${m.task}</div></td>
                    <td class=${m.status}>${m.status}${m.reason ? html`<div class="muted">${m.reason}</div>` : nothing}</td>
                    <td>${m.selftest ? `${m.selftest.images} ${m.selftest.passed ? 'passed' : 'failed'} (Δ ${m.selftest.max_diff.toFixed(4)})` : '–'}</td>
                    <td>${m.selftest ? `${m.selftest.p50_ms.toFixed(1)} ms` : '–'}</td>
                    <td>${ev?.precision !== undefined ? `P ${formatPercent(ev.precision)} · R ${formatPercent(ev.recall ?? 0)}` : '–'}</td>
                    <td class="muted">${m.key_id}</td>
                    <td>${rollOut.may && m.status === 'ready' ? html`<button @click=${() => this.#emit('roll-out', m)}>Roll out…</button>` : nothing}</td>
                  </tr>`;
                })}
              </tbody>
            </table>`
      }
    `;
  }

  static override styles = css`
    table {
      width: 100%;
      border-collapse: collapse;
      font-size: 0.88rem;
      font-variant-numeric: tabular-nums;
    }
    th {
      text-align: left;
      font-weight: 500;
      color: var(--sl-muted, #8792a0);
      padding: 6px;
    }
    td {
      padding: 6px;
      border-top: 1px solid var(--sl-border, #2a323c);
      vertical-align: top;
    }
    .muted {
      color: var(--sl-muted, #8792a0);
      font-size: 0.8rem;
    }
    .ready {
      color: var(--sl-good, #5bbf8a);
    }
    .rejected {
      color: var(--sl-bad, #e5645b);
    }
    sl-role-note {
      margin-bottom: 6px;
    }
    .upload {
      display: inline-flex;
      gap: 10px;
      align-items: center;
      margin-bottom: 10px;
      font-size: 0.88rem;
      color: var(--sl-text-2, #b8c0ca);
    }
    button {
      background: var(--sl-track, #242b34);
      color: var(--sl-text, #e6e9ed);
      border: 1px solid var(--sl-border, #2a323c);
      border-radius: 6px;
      padding: 4px 10px;
      cursor: pointer;
    }
  `;
}

customElements.define('sl-registry-table', SlRegistryTable);

declare global {
  interface HTMLElementTagNameMap {
    'sl-registry-table': SlRegistryTable;
  }
}
