import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { AlarmsResponse, FleetRoiResponse, ModesResponse, RoiSummary } from '../api/types.ts';
import { type LineMetrics, type TimeWindow, WINDOW_SECONDS, WINDOWS } from '../api/types.ts';
import { queryParam, setQueryParams } from '../app/router.ts';
import { BaselinesController } from '../controllers/baselines-controller.ts';
import { FleetController, lineKey } from '../controllers/fleet-controller.ts';
import { LiveQueryController } from '../controllers/live-query-controller.ts';
import { TickerController } from '../controllers/ticker-controller.ts';
import type { LineExtras } from '../elements/sl-line-card.ts';
import { formatAgo, formatCount, formatPercent, windowLabel } from '../format/format.ts';
import type { HubLink } from '../live/hub-link.ts';
import { formatFigure } from '../model/figure-format.ts';
import { fleetScaleMax } from '../model/fleet-scale.ts';
import { deriveLineState, type LineState } from '../model/line-state.ts';
import { routePath } from '../model/route.ts';
import { createStableCache } from '../model/stable.ts';
import '../elements/sl-line-card.ts';
import '../elements/sl-window-select.ts';

const initialWindow = (): TimeWindow => {
  const asked = queryParam('window');
  return (WINDOWS as readonly string[]).includes(asked ?? '') ? (asked as TimeWindow) : '5m';
};

/** Every line as a tile, live over the shared stream; filter by site; window kept in the URL. */
export class SlFleetView extends LitElement {
  static override properties = { link: { attribute: false }, window: { state: true }, site: { state: true } };

  declare link: HubLink | undefined;
  declare window: TimeWindow;
  /** Site filter; empty for every site. */
  declare site: string;

  readonly fleet = new FleetController(this, {
    link: () => this.link,
    window: () => this.window,
    windowSeconds: () => WINDOW_SECONDS[this.window],
    // State changes arrive live; full snapshots (models) seldom change. A thousand agents are a big read.
    agentsEveryMs: 30_000,
  });

  readonly #modes = new LiveQueryController<ModesResponse>(this, {
    link: () => this.link,
    load: (link, signal) => link.api.quality.modes(signal),
    watch: (link, stale) => link.live.on('agent', () => stale()),
    throttleMs: 5_000,
  });
  /** Savings and ROI per line over the window; re-read at most every 10 s while lines change. */
  readonly #roi = new LiveQueryController<FleetRoiResponse>(this, {
    link: () => this.link,
    // Savings exist only for lines that went live: no line live, no fleet-wide ROI query.
    load: (link, signal) =>
      this.#modes.value?.lines.some((m) => m.go_live_ts !== null)
        ? link.api.quality.fleetRoi(this.window, signal)
        : undefined,
    watch: (link, stale) => link.live.on('line', () => stale()),
    throttleMs: 10_000,
  });
  /** Open control-chart alarms: the out-of-control badges. */
  readonly #alarms = new LiveQueryController<AlarmsResponse>(this, {
    link: () => this.link,
    load: (link, signal) => link.api.quality.alarms('open', signal),
    watch: (link, stale) => link.live.on('alarm', () => stale()),
    throttleMs: 500,
    everyMs: 30_000,
  });
  readonly #baselines = new BaselinesController(this, () => this.link);
  readonly #stableState = createStableCache<LineState>();
  readonly #stableExtras = createStableCache<LineExtras>();

  /** Re-renders so "ago" and stale states keep counting when nothing arrives. */
  readonly ticker = new TickerController(this, 1_000);

  constructor() {
    super();
    this.link = undefined;
    this.window = initialWindow();
    this.site = queryParam('site') ?? '';
  }

  protected override updated(changed: PropertyValues<this>): void {
    const anyLive = this.#modes.value?.lines.some((m) => m.go_live_ts !== null) ?? false;
    if (anyLive && !this.#roi.value && !this.#roi.loading && !this.#roi.error)
      void this.#roi.reload({ quiet: true });
    if (changed.has('window') && changed.get('window') !== undefined) {
      void this.fleet.reload();
      void this.#roi.reload({ quiet: true });
    }
  }

  #onWindow(event: CustomEvent<TimeWindow>): void {
    this.window = event.detail;
    setQueryParams({ window: event.detail });
  }

  #onSite(event: Event): void {
    this.site = (event.target as HTMLSelectElement).value;
    setQueryParams({ site: this.site || null });
  }

  #extras(l: LineMetrics, roi: Map<string, RoiSummary>): LineExtras {
    const models = new Set<string>();
    for (const a of this.fleet.agentsOf(l.site, l.line)) {
      if (a.birth) models.add(`${a.birth.model.id} ${a.birth.model.version}`);
    }
    const summary = roi.get(lineKey(l));
    const baseline = this.#baselines.get(l.site, l.line, summary?.baseline_frozen ?? false);
    const breach = (this.#alarms.value?.alarms ?? []).find(
      (a) => a.kind === 'control_chart' && a.site === l.site && a.line === l.line && a.state !== 'cleared',
    );
    const direction = breach?.detail.signal === 'below' ? 'below' : 'above';
    const mode = this.#modes.value?.lines.find((m) => m.site === l.site && m.line === l.line)?.mode ?? null;
    return {
      models: [...models].sort(),
      baselineThroughput: baseline?.s_base ?? null,
      signal: breach ? direction : null,
      roi:
        summary && summary.go_live_ts !== null
          ? { savings: formatFigure(summary.savings), roi: formatFigure(summary.roi_pct) }
          : null,
      mode,
    };
  }

  #summary(lines: LineMetrics[], states: Map<string, LineState>) {
    const n = lines.reduce((sum, l) => sum + l.inspected, 0);
    const d = lines.reduce((sum, l) => sum + l.defects, 0);
    const count = (s: string) => [...states.values()].filter((x) => x.state === s).length;
    const offline = count('offline');
    const stale = count('stale');
    return html`
      <p class="summary" aria-label="Fleet summary">
        <span><strong>${lines.length}</strong> ${lines.length === 1 ? 'line' : 'lines'}</span>
        <span class="count-running"><strong>${count('running')}</strong> running</span>
        ${stale ? html`<span class="count-stale"><strong>${stale}</strong> stale</span>` : nothing}
        ${offline ? html`<span class="count-offline"><strong>${offline}</strong> offline</span>` : nothing}
        <span><strong>${formatCount(n)}</strong> inspected</span>
        <span><strong>${formatCount(d)}</strong> defects</span>
        <span>fleet rate <strong>${n > 0 ? formatPercent(d / n) : '–'}</strong></span>
        <span class="muted">last ${windowLabel(this.window)}</span>
      </p>
    `;
  }

  #toolbar(sites: string[]) {
    return html`<div class="toolbar">
      <sl-window-select .value=${this.window} @window-change=${this.#onWindow}></sl-window-select>
      ${
        sites.length > 1 || this.site
          ? html`<label class="site-filter"
              >Site
              <select @change=${this.#onSite}>
                <option value="" ?selected=${this.site === ''}>All sites</option>
                ${sites.map((s) => html`<option value=${s} ?selected=${s === this.site}>${s}</option>`)}
              </select></label
            >`
          : nothing
      }
    </div>`;
  }

  #banner(reason: string) {
    const at = this.fleet.updatedAt;
    const age = at === undefined ? '' : ` Figures from ${formatAgo(Date.now() - at)}.`;
    return html`<p class="banner" role="alert"><strong>Not live:</strong> ${reason}.${age} Retrying…</p>`;
  }

  override render() {
    const link = this.link;
    if (!link) return nothing;
    const { error, loaded } = this.fleet;
    const liveness = link.liveness();
    if (!loaded) {
      if (error) {
        return html`<section class="state error" role="alert">
          <h2>Hub unreachable</h2>
          <p>${error.message}</p>
          <p class="muted">Retrying automatically.</p>
        </section>`;
      }
      return html`<section class="state" aria-busy="true"><p class="muted">Loading lines…</p></section>`;
    }
    const all = this.fleet.allLines();
    const sites = [...new Set(all.map((l) => l.site))].sort();
    const lines = this.site ? all.filter((l) => l.site === this.site) : all;
    // Whole seconds: "ago" needs no finer, and tiles then change at most once a second between events.
    const hubNow = Math.floor(link.clock.now() / 1000) * 1000;
    const notLive = !liveness.live || error !== undefined;
    const reason = liveness.reason || (error ? error.message : '');
    const states = new Map(
      lines.map((l) => [
        lineKey(l),
        this.#stableState(
          lineKey(l),
          deriveLineState({
            agents: this.fleet.agentsOf(l.site, l.line),
            lastTs: l.last_ts,
            hubNow,
            live: !notLive,
            notLiveReason: reason,
          }),
        ),
      ]),
    );
    // Until the first answer for a newly chosen window arrives, the figures are for the old one.
    const switching = this.fleet.windowS !== WINDOW_SECONDS[this.window];
    if (all.length === 0) {
      return html`${this.#toolbar(sites)}${notLive ? this.#banner(reason) : nothing}
        <section class="state">
          <h2>No results yet — start an agent</h2>
          <p class="muted">
            Point an agent at this hub's MQTT broker (<code>sightline-agent doctor</code> checks the link);
            its lines appear here within seconds.
          </p>
        </section>`;
    }
    const scaleMax = fleetScaleMax(lines);
    const roi = new Map((this.#roi.value?.lines ?? []).map((r) => [lineKey(r), r]));
    return html`
      ${this.#toolbar(sites)} ${notLive ? this.#banner(reason) : nothing} ${this.#summary(lines, states)}
      <section class="grid" aria-label="Production lines" aria-busy=${switching ? 'true' : 'false'}>
        ${lines.map((l) => {
          const state = states.get(lineKey(l));
          return html`<sl-line-card
            data-line=${l.line}
            data-site=${l.site}
            data-state=${state?.state ?? 'unknown'}
            data-last-ts=${l.last_ts ?? ''}
            .line=${l}
            .state=${state}
            .extras=${this.#stableExtras(lineKey(l), this.#extras(l, roi))}
            .hubNow=${hubNow}
            .scaleMax=${scaleMax}
            .href=${routePath({ page: 'line', site: l.site, line: l.line })}
          ></sl-line-card>`;
        })}
      </section>
    `;
  }

  static override styles = css`
    :host {
      display: block;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 10px 18px;
      margin-bottom: 14px;
    }
    .site-filter {
      display: inline-flex;
      align-items: center;
      gap: 8px;
      font-size: 0.85rem;
      color: var(--sl-muted);
    }
    select {
      font: inherit;
      color: var(--sl-text);
      background: var(--sl-card);
      border: 1px solid var(--sl-border);
      border-radius: 6px;
      padding: 4px 8px;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
      gap: 14px;
    }
    .grid[aria-busy='true'] {
      opacity: 0.5;
    }
    .summary {
      display: flex;
      flex-wrap: wrap;
      gap: 6px 20px;
      margin: 0 0 14px;
      font-size: 0.9rem;
      color: var(--sl-text-2);
      font-variant-numeric: tabular-nums;
    }
    .summary strong {
      color: var(--sl-text);
      font-weight: 600;
    }
    .count-stale strong {
      color: var(--sl-warn);
    }
    .count-offline strong {
      color: var(--sl-bad);
    }
    .muted {
      color: var(--sl-muted);
    }
    .state {
      padding: 48px 24px;
      border: 1px dashed var(--sl-border);
      border-radius: 8px;
      text-align: center;
    }
    .state h2 {
      margin: 0 0 8px;
      font-size: 1.1rem;
      font-weight: 600;
    }
    .state p {
      margin: 4px 0;
    }
    .state.error {
      border-style: solid;
      border-color: color-mix(in srgb, var(--sl-bad) 60%, transparent);
    }
    .banner {
      margin: 0 0 14px;
      padding: 10px 14px;
      border-radius: 6px;
      border: 1px solid var(--sl-bad);
      background: color-mix(in srgb, var(--sl-bad) 12%, transparent);
      font-size: 0.9rem;
    }
    code {
      font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
      font-size: 0.85em;
      padding: 1px 5px;
      border-radius: 3px;
      background: var(--sl-track);
    }
    @media (max-width: 420px) {
      .grid {
        grid-template-columns: 1fr;
      }
    }
  `;
}

customElements.define('sl-fleet-view', SlFleetView);

declare global {
  interface HTMLElementTagNameMap {
    'sl-fleet-view': SlFleetView;
  }
}
