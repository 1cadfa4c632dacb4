import { css, html, LitElement, nothing } from 'lit';
import { type Access, NO_ACCESS } from '../api/permissions.ts';
import type { AlarmKind, AlarmRule, AlarmRuleBody } from '../api/types.ts';
import './sl-role-note.ts';

/** The tunables each kind of rule reads (the hub's alarm params). */
const PARAMS: Record<AlarmKind, ReadonlyArray<{ key: keyof AlarmRule['params']; label: string }>> = {
  control_chart: [
    { key: 'bucket_minutes', label: 'bucket (min)' },
    { key: 'min_n', label: 'min parts' },
  ],
  agent_offline: [{ key: 'offline_after_s', label: 'silent after (s)' }],
  camera_lost: [],
  coverage_low: [
    { key: 'coverage_min', label: 'min coverage (0–1)' },
    { key: 'window_s', label: 'window (s)' },
  ],
  outbox_overflow: [{ key: 'hold_s', label: 'clears after (s)' }],
  model_change: [{ key: 'hold_s', label: 'clears after (s)' }],
};

/**
 * Alarm rules with their webhook and its delivery counts; each row saved on its own by a role that may (`access`:
 * admins), read as text with a note of the role that edits them by others.
 */
export class SlAlarmRules extends LitElement {
  static override properties = {
    rules: { attribute: false },
    busy: { type: Boolean },
    access: { attribute: false },
  };

  declare rules: AlarmRule[];
  declare busy: boolean;
  declare access: Access;

  constructor() {
    super();
    this.rules = [];
    this.busy = false;
    this.access = NO_ACCESS;
  }

  #save(event: SubmitEvent, rule: AlarmRule): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const field = (name: string) =>
      form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
    const params: Record<string, number> = {};
    for (const p of PARAMS[rule.kind]) {
      const raw = field(p.key)?.value.trim() ?? '';
      if (raw !== '' && Number.isFinite(Number(raw))) params[p.key] = Number(raw);
    }
    const url = field('webhook')?.value.trim() ?? '';
    const cooldown = Number(field('cooldown')?.value ?? 300);
    const body: AlarmRuleBody = {
      kind: rule.kind,
      site: rule.site,
      line: rule.line,
      severity: field('severity')?.value as AlarmRule['severity'],
      enabled: (field('enabled') as HTMLInputElement).checked,
      params,
      webhook: url ? { url, cooldown_s: Number.isFinite(cooldown) ? cooldown : 300 } : null,
    };
    this.dispatchEvent(
      new CustomEvent('save-rule', { detail: { id: rule.id, body }, bubbles: true, composed: true }),
    );
  }

  override render() {
    if (this.rules.length === 0) return html`<p class="muted">No alarm rules on this hub.</p>`;
    const edit = this.access.permit('alarm-rules');
    return html`<sl-role-note .permit=${edit}></sl-role-note>
      ${this.rules.map((r) => (edit.may ? this.#form(r) : this.#read(r)))}`;
  }

  #what(r: AlarmRule) {
    return html`<div class="what">
      <strong>${r.kind.replace('_', ' ')}</strong>
      <span class="muted">${r.site ?? 'every site'} / ${r.line ?? 'every line'}</span>
    </div>`;
  }

  #delivery(r: AlarmRule) {
    return r.webhook
      ? html`<p class="delivery">
          webhook: ${r.delivery.sent} sent, ${r.delivery.failed} failed, ${r.delivery.merged} merged by cooldown
          ${r.delivery.last_error ? html`· <span class="bad">last error: ${r.delivery.last_error}</span>` : nothing}
        </p>`
      : nothing;
  }

  /** The same settings as text, for roles that may not change them. */
  #read(r: AlarmRule) {
    return html`<div class="rule read" data-rule=${r.id}>
      ${this.#what(r)}
      <span data-field="enabled">${r.enabled ? 'enabled' : 'disabled'}</span>
      <span><span class="muted">severity</span> <span data-field="severity">${r.severity}</span></span>
      ${PARAMS[r.kind].map(
        (p) => html`<span><span class="muted">${p.label}</span> ${r.params[p.key] ?? 'default'}</span>`,
      )}
      <span class="hook"><span class="muted">webhook</span> <span data-field="webhook">${r.webhook?.url ?? 'none'}</span></span>
      ${r.webhook ? html`<span><span class="muted">cooldown (s)</span> ${r.webhook.cooldown_s}</span>` : nothing}
      ${this.#delivery(r)}
    </div>`;
  }

  #form(r: AlarmRule) {
    return html`<form class="rule" @submit=${(e: SubmitEvent) => this.#save(e, r)} data-rule=${r.id}>
        ${this.#what(r)}
        <label class="check"><input type="checkbox" name="enabled" .checked=${r.enabled} /> enabled</label>
        <label>severity
          <select name="severity">
            ${(['info', 'warning', 'critical'] as const).map((s) => html`<option ?selected=${s === r.severity}>${s}</option>`)}
          </select>
        </label>
        ${PARAMS[r.kind].map(
          (p) =>
            html`<label>${p.label}<input name=${p.key} inputmode="decimal" .value=${r.params[p.key] === undefined ? '' : String(r.params[p.key])} placeholder="default" /></label>`,
        )}
        <label class="hook">webhook <input name="webhook" type="url" .value=${r.webhook?.url ?? ''} placeholder="https://andon.plant.local/hook" /></label>
        <label>cooldown (s)<input name="cooldown" inputmode="numeric" .value=${String(r.webhook?.cooldown_s ?? 300)} /></label>
        <button type="submit" ?disabled=${this.busy}>Save</button>
        ${this.#delivery(r)}
      </form>`;
  }

  static override styles = css`
    :host {
      display: grid;
      gap: 8px;
    }
    .rule {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 14px;
      align-items: center;
      padding: 10px 12px;
      border: 1px solid var(--sl-border);
      border-radius: 6px;
      background: var(--sl-card);
      font-size: 0.85rem;
    }
    .what {
      display: grid;
      min-width: 11em;
      text-transform: capitalize;
    }
    label {
      display: inline-flex;
      gap: 6px;
      align-items: center;
      color: var(--sl-muted);
    }
    input,
    select,
    button {
      font: inherit;
      padding: 3px 6px;
      border-radius: 4px;
      border: 1px solid var(--sl-border);
      background: var(--sl-bg);
      color: var(--sl-text);
    }
    input[inputmode] {
      width: 5.5em;
    }
    .read .hook {
      overflow-wrap: anywhere;
    }
    .hook input {
      width: 16em;
    }
    button {
      background: var(--sl-track);
      cursor: pointer;
      padding: 3px 12px;
    }
    .delivery {
      flex-basis: 100%;
      margin: 0;
      font-size: 0.78rem;
      color: var(--sl-muted);
    }
    .muted {
      color: var(--sl-muted);
      text-transform: none;
    }
    .bad {
      color: var(--sl-bad);
    }
  `;
}

customElements.define('sl-alarm-rules', SlAlarmRules);

declare global {
  interface HTMLElementTagNameMap {
    'sl-alarm-rules': SlAlarmRules;
  }
}
