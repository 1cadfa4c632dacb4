import { css, html, LitElement, nothing } from 'lit';
import { type Access, NO_ACCESS } from '../api/permissions.ts';
import type { Alarm, AlarmRuleBody, AlarmRulesResponse, AlarmsResponse } from '../api/types.ts';
import { queryParam, setQueryParams } from '../app/router.ts';
import { LiveQueryController } from '../controllers/live-query-controller.ts';
import { TickerController } from '../controllers/ticker-controller.ts';
import type { HubLink } from '../live/hub-link.ts';
import { toCsv } from '../model/csv.ts';
import '../elements/sl-alarm-list.ts';
import '../elements/sl-alarm-rules.ts';
import '../elements/sl-csv-button.ts';
import { bannerStyles, segmentedStyles } from '../styles/shared.ts';

const STATES = { open: 'Open', active: 'Not acknowledged', cleared: 'Cleared', all: 'All' } as const;
type StateFilter = keyof typeof STATES;
const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

const ALARM_CSV = [
  { header: 'id', value: (a: Alarm) => a.id },
  { header: 'severity', value: (a: Alarm) => a.severity },
  { header: 'kind', value: (a: Alarm) => a.kind },
  { header: 'site', value: (a: Alarm) => a.site },
  { header: 'line', value: (a: Alarm) => a.line },
  { header: 'agent', value: (a: Alarm) => a.agent },
  { header: 'state', value: (a: Alarm) => a.state },
  { header: 'since', value: (a: Alarm) => new Date(a.since).toISOString() },
  { header: 'cleared', value: (a: Alarm) => (a.cleared_ts ? new Date(a.cleared_ts).toISOString() : '') },
  { header: 'message', value: (a: Alarm) => a.message },
  { header: 'ack_by', value: (a: Alarm) => a.ack?.who },
  { header: 'ack_note', value: (a: Alarm) => a.ack?.note },
];

/**
 * Alarms (severity, since, acknowledge with a note) and their rules; acknowledging and rule editing show to the roles
 * the hub lets do them (`access`), everyone reads the same alarms and rules.
 */
export class SlAlarmsView extends LitElement {
  static override properties = {
    link: { attribute: false },
    access: { attribute: false },
    filter: { state: true },
    busy: { state: true },
    error: { state: true },
  };

  declare link: HubLink | undefined;
  declare access: Access;
  declare filter: StateFilter;
  declare busy: boolean;
  declare error: string;

  readonly alarms = new LiveQueryController<AlarmsResponse>(this, {
    link: () => this.link,
    load: (link, signal) => link.api.quality.alarms(this.filter, signal),
    watch: (link, stale) => link.live.on('alarm', () => stale()),
    throttleMs: 500,
    everyMs: 30_000,
  });
  readonly rules = new LiveQueryController<AlarmRulesResponse>(this, {
    link: () => this.link,
    load: (link, signal) => link.api.quality.alarmRules(signal),
  });

  /** Re-renders so "ago" and stale states keep counting when nothing arrives. */
  readonly ticker = new TickerController(this, 5_000);

  constructor() {
    super();
    this.link = undefined;
    this.access = NO_ACCESS;
    const f = queryParam('state');
    this.filter = f && f in STATES ? (f as StateFilter) : 'open';
    this.busy = false;
    this.error = '';
  }

  async #act(action: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      await action();
    } catch (cause) {
      this.error = cause instanceof Error ? cause.message : String(cause);
    }
    this.busy = false;
    void this.alarms.reload({ quiet: true });
    void this.rules.reload({ quiet: true });
  }

  override render() {
    const link = this.link;
    if (!link) return nothing;
    const list = [...(this.alarms.value?.alarms ?? [])].sort(
      (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.since - a.since,
    );
    const quality = link.api.quality;
    return html`
      <header>
        <h2>Alarms</h2>
        <fieldset>
          <legend>Show</legend>
          ${Object.entries(STATES).map(
            ([k, v]) => html`<label class=${k === this.filter ? 'on' : ''}>
              <input type="radio" name="state" .checked=${k === this.filter} @change=${() => {
                this.filter = k as StateFilter;
                setQueryParams({ state: k });
                void this.alarms.reload();
              }} />${v}
            </label>`,
          )}
        </fieldset>
        <sl-csv-button .csv=${() => toCsv(ALARM_CSV, list)} filename="sightline-alarms.csv"></sl-csv-button>
      </header>
      ${this.error ? html`<p class="banner" role="alert">${this.error}</p>` : nothing}
      ${this.alarms.error ? html`<p class="banner" role="alert">${this.alarms.error.message}</p>` : nothing}
      <sl-alarm-list
        .alarms=${list}
        .hubNow=${link.clock.now()}
        .busy=${this.busy}
        .access=${this.access}
        @acknowledge=${(e: CustomEvent<{ id: number; note: string }>) => this.#act(() => quality.acknowledge(e.detail.id, e.detail.note))}
      ></sl-alarm-list>
      <section>
        <h3>Rules</h3>
        <p class="muted">Control-chart breach, agent offline, camera lost, coverage below a limit, outbox overflow, model change. Webhooks receive a JSON POST, at most one per rule per cooldown.</p>
        ${
          this.rules.error
            ? html`<p class="muted">${this.rules.error.message}</p>`
            : html`<sl-alarm-rules
                .rules=${this.rules.value?.rules ?? []}
                .busy=${this.busy}
                .access=${this.access}
                @save-rule=${(e: CustomEvent<{ id: string; body: AlarmRuleBody }>) => this.#act(() => quality.saveAlarmRule(e.detail.id, e.detail.body))}
              ></sl-alarm-rules>`
        }
      </section>
    `;
  }

  static override styles = [
    bannerStyles,
    segmentedStyles,
    css`
    :host {
      display: grid;
      gap: 14px;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 16px;
      align-items: center;
    }
    h2 {
      margin: 0;
      font-size: 1.3rem;
      margin-right: auto;
    }
    h3 {
      margin: 8px 0 4px;
      font-size: 1rem;
    }
    .muted {
      color: var(--sl-muted);
      font-size: 0.85rem;
      margin: 0 0 8px;
    }
  `,
  ];
}

customElements.define('sl-alarms-view', SlAlarmsView);

declare global {
  interface HTMLElementTagNameMap {
    'sl-alarms-view': SlAlarmsView;
  }
}
