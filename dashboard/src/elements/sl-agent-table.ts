import { css, html, LitElement, nothing } from 'lit';
import { formatAgo, formatDuration, formatPercent } from '../format/format.ts';
import type { AgentRow } from '../model/agent-rows.ts';

const ms = (v: number | undefined | null) => (v === null || v === undefined ? '–' : `${Math.round(v)}`);
const num1 = (v: number | null) => (v === null ? '–' : v.toFixed(1));
const CAMERA_OK = new Set(['running', 'starting']);

/** Agent health as a table: state, frames per second, latency per stage, outbox, cameras, device, model. */
export class SlAgentTable extends LitElement {
  static override properties = {
    rows: { attribute: false },
    hubNow: { type: Number },
    showLine: { type: Boolean },
  };

  declare rows: AgentRow[];
  declare hubNow: number;
  /** Show site and line (the fleet-wide table); the line view leaves them out. */
  declare showLine: boolean;

  constructor() {
    super();
    this.rows = [];
    this.hubNow = Date.now();
    this.showLine = true;
  }

  #row(r: AgentRow) {
    const camerasBad = r.cameras.filter((c) => !CAMERA_OK.has(c.state));
    return html`<tr data-agent=${r.agent} data-status=${r.status}>
      <th scope="row">
        <span class="name">${r.agent}</span>
        ${this.showLine ? html`<a class="where" href=${`/lines/${encodeURIComponent(r.site)}/${encodeURIComponent(r.line)}`}>${r.site} / ${r.line}</a>` : nothing}
      </th>
      <td class="status ${r.status}">
        <span class="dot" aria-hidden="true"></span>${r.status}
        <span class="sub">${formatAgo(this.hubNow - r.lastSeen)}</span>
      </td>
      <td class="num fps">${num1(r.fpsCaptured)} <span class="sub">/ ${num1(r.fpsInspected)}</span></td>
      <td class="num">${r.dropped ?? '–'}${r.coverage === null ? nothing : html`<span class="sub ${r.coverage < 0.95 ? 'warn' : ''}">${formatPercent(r.coverage)} cov.</span>`}</td>
      <td class="num">${ms(r.latency?.p50)} / ${ms(r.latency?.p95)} / ${ms(r.latency?.p99)}</td>
      <td class="stages">${r.stages.length ? r.stages.map((s) => html`<span>${s.stage} ${ms(s.p95)}</span>`) : '–'}</td>
      <td class="num ${r.outboxDepth && r.outboxDepth > 1000 ? 'warn' : ''}">
        ${r.outboxDepth ?? '–'}${r.outboxDropped ? html`<span class="sub bad">${r.outboxDropped} lost</span>` : nothing}
      </td>
      <td class="cameras ${camerasBad.length ? 'warn' : ''}">
        ${r.cameras.length ? r.cameras.map((c) => html`<span>${c.id}: ${c.state}</span>`) : '–'}
      </td>
      <td class="num">${r.temperature === null ? '–' : `${r.temperature.toFixed(0)} °C`}<span class="sub">${r.cpu === null ? '' : `cpu ${r.cpu.toFixed(2)}`}</span></td>
      <td class="model">
        ${r.model ? html`${r.model.id} ${r.model.version}<span class="sub mono" title=${r.model.sha256}>${r.model.sha256.slice(0, 12)}</span>` : '–'}
      </td>
      <td class="num">${r.uptimeS === null ? '–' : formatDuration(r.uptimeS)}<span class="sub">${r.agentVersion ?? ''}</span></td>
    </tr>`;
  }

  override render() {
    if (this.rows.length === 0) return html`<p class="empty">No agents have reported to this hub yet.</p>`;
    return html`<div class="scroll" tabindex="0" role="region" aria-label="Agents">
      <table>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">State · last seen</th>
            <th scope="col" class="num">fps in / inspected</th>
            <th scope="col" class="num">Dropped</th>
            <th scope="col" class="num">Latency p50/95/99 ms</th>
            <th scope="col">Stages p95 ms</th>
            <th scope="col" class="num">Outbox</th>
            <th scope="col">Cameras</th>
            <th scope="col" class="num">Temp · CPU</th>
            <th scope="col">Model</th>
            <th scope="col" class="num">Uptime · version</th>
          </tr>
        </thead>
        <tbody>
          ${this.rows.map((r) => this.#row(r))}
        </tbody>
      </table>
    </div>`;
  }

  static override styles = css`
    .scroll {
      overflow-x: auto;
      border: 1px solid var(--sl-border);
      border-radius: 8px;
      background: var(--sl-card);
    }
    .scroll:focus-visible {
      outline: 2px solid var(--sl-accent);
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-size: 0.86rem;
      font-variant-numeric: tabular-nums;
    }
    th,
    td {
      padding: 7px 10px;
      text-align: left;
      vertical-align: top;
      border-bottom: 1px solid var(--sl-border);
      white-space: nowrap;
    }
    tbody tr:last-child > * {
      border-bottom: 0;
    }
    thead th {
      font-size: 0.7rem;
      text-transform: uppercase;
      letter-spacing: 0.06em;
      color: var(--sl-muted);
      font-weight: 600;
      background: var(--sl-card);
    }
    tbody th {
      position: sticky;
      left: 0;
      background: var(--sl-card);
      font-weight: 600;
    }
    .num {
      text-align: right;
    }
    .sub {
      display: block;
      text-transform: none;
      font-size: 0.76rem;
      color: var(--sl-muted);
      font-weight: 400;
    }
    .mono {
      font-family: ui-monospace, Menlo, Consolas, monospace;
    }
    .where {
      display: block;
      font-size: 0.76rem;
      font-weight: 400;
      color: var(--sl-accent);
    }
    .stages span,
    .cameras span {
      display: block;
    }
    .status {
      text-transform: capitalize;
    }
    .dot {
      display: inline-block;
      width: 8px;
      height: 8px;
      margin-right: 6px;
      border-radius: 50%;
      background: var(--sl-muted);
    }
    .online .dot {
      background: var(--sl-good);
    }
    .offline .dot {
      background: var(--sl-bad);
      border-radius: 1px;
    }
    .silent .dot {
      background: var(--sl-warn);
      border-radius: 0;
      transform: rotate(45deg);
    }
    .offline,
    .bad {
      color: var(--sl-bad);
    }
    .warn,
    .silent {
      color: var(--sl-warn);
    }
    .empty {
      color: var(--sl-muted);
    }
  `;
}

customElements.define('sl-agent-table', SlAgentTable);

declare global {
  interface HTMLElementTagNameMap {
    'sl-agent-table': SlAgentTable;
  }
}
