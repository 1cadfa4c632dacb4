import { css, html, LitElement, nothing } from 'lit';
import { type Access, NO_ACCESS } from '../api/permissions.ts';
import type { Alarm } from '../api/types.ts';
import { formatAgo, formatDateTime } from '../format/format.ts';
import './sl-role-note.ts';

const KIND: Record<string, string> = {
  control_chart: 'Control chart',
  agent_offline: 'Agent offline',
  camera_lost: 'Camera lost',
  coverage_low: 'Coverage low',
  outbox_overflow: 'Outbox overflow',
  model_change: 'Model change',
};

/**
 * Alarms, most severe and newest first: severity, since when, where, state; acknowledge with a note (a role that
 * may, by `access`; others read a note of the role that does).
 */
export class SlAlarmList extends LitElement {
  static override properties = {
    alarms: { attribute: false },
    hubNow: { type: Number },
    busy: { type: Boolean },
    access: { attribute: false },
    acking: { state: true },
  };

  declare alarms: Alarm[];
  declare hubNow: number;
  declare busy: boolean;
  declare access: Access;
  /** The alarm whose acknowledge form is open. */
  declare acking: number | null;

  constructor() {
    super();
    this.alarms = [];
    this.hubNow = Date.now();
    this.busy = false;
    this.access = NO_ACCESS;
    this.acking = null;
  }

  #ack(event: SubmitEvent, id: number): void {
    event.preventDefault();
    const note = (
      (event.target as HTMLFormElement).elements.namedItem('note') as HTMLInputElement
    ).value.trim();
    if (!note) return;
    this.dispatchEvent(
      new CustomEvent('acknowledge', { detail: { id, note }, bubbles: true, composed: true }),
    );
    this.acking = null;
  }

  #row(a: Alarm, mayAck: boolean) {
    return html`<li class="alarm ${a.severity} ${a.state}" data-alarm=${a.id} data-kind=${a.kind}>
      <span class="sev" title=${a.severity}>${a.severity}</span>
      <div class="main">
        <div class="title">
          <strong>${KIND[a.kind] ?? a.kind}</strong>
          <a href=${`/lines/${encodeURIComponent(a.site)}/${encodeURIComponent(a.line)}`}>${a.site} / ${a.line}</a>
          ${a.agent ? html`<span class="muted">${a.agent}${a.subject ? ` · ${a.subject}` : ''}</span>` : nothing}
        </div>
        <p class="msg">${a.message}</p>
        <p class="meta">
          <span title=${formatDateTime(a.since)}>since ${formatAgo(this.hubNow - a.since)}</span>
          · ${a.state}
          ${a.ack ? html` · acknowledged by ${a.ack.who} ${formatAgo(this.hubNow - a.ack.ts)}: “${a.ack.note}”` : nothing}
          ${a.cleared_ts ? html` · cleared ${formatAgo(this.hubNow - a.cleared_ts)}` : nothing}
        </p>
        ${
          this.acking === a.id
            ? html`<form class="ack" @submit=${(e: SubmitEvent) => this.#ack(e, a.id)}>
                <label>Note <input name="note" required placeholder="what was done, who is on it" /></label>
                <button type="submit" ?disabled=${this.busy}>Acknowledge</button>
                <button type="button" class="plain" @click=${() => {
                  this.acking = null;
                }}>Cancel</button>
              </form>`
            : nothing
        }
      </div>
      ${
        mayAck && a.state === 'active' && this.acking !== a.id
          ? html`<button type="button" class="ack-open" @click=${async () => {
              this.acking = a.id;
              await this.updateComplete;
              this.renderRoot.querySelector<HTMLInputElement>('form.ack input')?.focus();
            }}>Acknowledge…</button>`
          : nothing
      }
    </li>`;
  }

  override render() {
    if (this.alarms.length === 0) return html`<p class="none">No alarms. Every line is within its rules.</p>`;
    const ack = this.access.permit('alarm-ack');
    return html`
      ${this.alarms.some((a) => a.state === 'active') ? html`<sl-role-note .permit=${ack}></sl-role-note>` : nothing}
      <ul>${this.alarms.map((a) => this.#row(a, ack.may))}</ul>`;
  }

  static override styles = css`
    sl-role-note {
      margin-bottom: 8px;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 8px;
    }
    .alarm {
      display: grid;
      grid-template-columns: auto minmax(0, 1fr) auto;
      gap: 12px;
      align-items: start;
      padding: 10px 14px;
      border: 1px solid var(--sl-border);
      border-left: 4px solid var(--tone);
      border-radius: 6px;
      background: var(--sl-card);
      --tone: var(--sl-muted);
    }
    .critical {
      --tone: var(--sl-bad);
    }
    .warning {
      --tone: var(--sl-warn);
    }
    .info {
      --tone: var(--sl-accent);
    }
    .cleared {
      opacity: 0.65;
    }
    .sev {
      font-size: 0.72rem;
      font-weight: 700;
      text-transform: uppercase;
      letter-spacing: 0.06em;
      color: var(--tone);
      min-width: 5.5em;
      padding-top: 2px;
    }
    .title {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 10px;
      align-items: baseline;
    }
    .msg,
    .meta {
      margin: 2px 0 0;
      font-size: 0.86rem;
      color: var(--sl-text-2);
    }
    .meta {
      font-size: 0.8rem;
      color: var(--sl-muted);
    }
    .muted {
      color: var(--sl-muted);
      font-size: 0.85rem;
    }
    a {
      color: var(--sl-accent);
    }
    .ack {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      margin-top: 8px;
      align-items: center;
    }
    .ack label {
      display: inline-flex;
      gap: 6px;
      align-items: center;
      font-size: 0.85rem;
      color: var(--sl-muted);
    }
    input {
      font: inherit;
      width: min(22em, 60vw);
      padding: 4px 8px;
      border-radius: 5px;
      border: 1px solid var(--sl-border);
      background: var(--sl-bg);
      color: var(--sl-text);
    }
    button {
      font: inherit;
      font-size: 0.85rem;
      padding: 4px 12px;
      border-radius: 5px;
      border: 1px solid var(--sl-border);
      background: var(--sl-track);
      color: var(--sl-text);
      cursor: pointer;
      white-space: nowrap;
    }
    button:focus-visible {
      outline: 2px solid var(--sl-accent);
    }
    button.plain {
      background: none;
    }
    .none {
      color: var(--sl-muted);
      padding: 24px;
      border: 1px dashed var(--sl-border);
      border-radius: 8px;
      text-align: center;
    }
    @media (max-width: 560px) {
      .alarm {
        grid-template-columns: minmax(0, 1fr);
      }
    }
  `;
}

customElements.define('sl-alarm-list', SlAlarmList);

declare global {
  interface HTMLElementTagNameMap {
    'sl-alarm-list': SlAlarmList;
  }
}
