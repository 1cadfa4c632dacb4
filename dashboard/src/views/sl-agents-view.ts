import { css, html, LitElement, nothing } from 'lit';
import type { CoverageResponse } from '../api/types.ts';
import { FleetController } from '../controllers/fleet-controller.ts';
import { LiveQueryController } from '../controllers/live-query-controller.ts';
import { TickerController } from '../controllers/ticker-controller.ts';
import type { HubLink } from '../live/hub-link.ts';
import { AGENT_CSV, agentRows } from '../model/agent-rows.ts';
import { toCsv } from '../model/csv.ts';
import '../elements/sl-agent-table.ts';
import '../elements/sl-csv-button.ts';
import { bannerStyles } from '../styles/shared.ts';

/** Health of every agent: state changes live, stats re-read every 5 s (agents send them every few seconds). */
export class SlAgentsView extends LitElement {
  static override properties = { link: { attribute: false } };

  declare link: HubLink | undefined;

  readonly fleet = new FleetController(this, {
    link: () => this.link,
    window: () => '5m',
    windowSeconds: () => 300,
    agentsEveryMs: 5_000,
  });
  readonly #coverage = new LiveQueryController<CoverageResponse>(this, {
    link: () => this.link,
    load: (link, signal) => link.api.coverage('5m', signal),
    watch: (link, stale) => link.live.on('line', () => stale()),
    throttleMs: 10_000,
  });

  /** Re-renders so "ago" and stale states keep counting when nothing arrives. */
  readonly ticker = new TickerController(this, 1_000);

  constructor() {
    super();
    this.link = undefined;
  }

  override render() {
    if (!this.link) return nothing;
    const hubNow = this.link.clock.now();
    const rows = agentRows([...this.fleet.agents.values()], this.#coverage.value?.lines ?? [], hubNow);
    const online = rows.filter((r) => r.status === 'online').length;
    const liveness = this.link.liveness();
    return html`
      <header>
        <h2>Agents</h2>
        <p class="summary">
          <strong>${online}</strong> of ${rows.length} online${
            rows.length - online > 0
              ? html` · <strong class="bad">${rows.length - online}</strong> not`
              : nothing
          } · coverage over the last 5 min
        </p>
        <sl-csv-button .csv=${() => toCsv(AGENT_CSV, rows)} filename="sightline-agents.csv"></sl-csv-button>
      </header>
      ${liveness.live ? nothing : html`<p class="banner" role="alert"><strong>Not live:</strong> ${liveness.reason}.</p>`}
      ${this.fleet.error && !this.fleet.loaded ? html`<p class="banner" role="alert">${this.fleet.error.message}</p>` : nothing}
      <sl-agent-table .rows=${rows} .hubNow=${hubNow}></sl-agent-table>
    `;
  }

  static override styles = [
    bannerStyles,
    css`
    :host {
      display: grid;
      gap: 14px;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 6px 18px;
    }
    h2 {
      margin: 0;
      font-size: 1.3rem;
    }
    .summary {
      margin: 0;
      margin-right: auto;
      color: var(--sl-text-2);
    }
    .bad {
      color: var(--sl-bad);
    }
  `,
  ];
}

customElements.define('sl-agents-view', SlAgentsView);

declare global {
  interface HTMLElementTagNameMap {
    'sl-agents-view': SlAgentsView;
  }
}
