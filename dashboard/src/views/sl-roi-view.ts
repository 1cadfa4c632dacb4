import { html, LitElement, nothing } from 'lit';
import { type Access, NO_ACCESS } from '../api/permissions.ts';
import type {
  AuditSample,
  BaselineResponse,
  LineModeState,
  OpportunityResponse,
  RoiInputs,
  RoiInputsState,
  RoiReport,
} from '../api/types.ts';
import { queryParam, setQueryParams } from '../app/router.ts';
import { FleetController } from '../controllers/fleet-controller.ts';
import { LiveQueryController } from '../controllers/live-query-controller.ts';
import { formatCount, formatDateTime } from '../format/format.ts';
import type { HubLink } from '../live/hub-link.ts';
import { toCsv } from '../model/csv.ts';
import { formatFigure } from '../model/figure-format.ts';
import {
  CUMULATIVE_FIGURES,
  DETAIL_FIGURES,
  FIGURE_CSV,
  figureRows,
  HEADLINE_FIGURES,
  OPPORTUNITY_CSV,
} from '../model/roi-tables.ts';
import '../elements/sl-csv-button.ts';
import '../elements/sl-figure.ts';
import '../elements/sl-mode-steps.ts';
import '../elements/sl-roi-inputs.ts';
import { roiViewStyles } from './sl-roi-view.styles.ts';

const PERIODS = {
  'go-live': 'Since go-live',
  '24h': 'Last 24 h',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
} as const;
type Period = keyof typeof PERIODS;
const PERIOD_MS: Record<Exclude<Period, 'go-live'>, number> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

/**
 * ROI and baseline of one line (chosen in the URL): pilot → freeze baseline → go live, every ROI figure with
 * its inputs, the audit behind π and ρ, the inputs with their history, and the fleet's opportunity ranking.
 * Changes show to the roles the hub lets make them (`access`); others read the same state.
 */
export class SlRoiView extends LitElement {
  static override properties = {
    link: { attribute: false },
    access: { attribute: false },
    site: { state: true },
    line: { state: true },
    period: { state: true },
    busy: { state: true },
    actionError: { state: true },
  };

  declare link: HubLink | undefined;
  declare access: Access;
  declare site: string;
  declare line: string;
  declare period: Period;
  declare busy: boolean;
  declare actionError: string;

  readonly fleet = new FleetController(this, {
    link: () => this.link,
    window: () => '5m',
    windowSeconds: () => 300,
  });
  readonly #ask = <T>(load: (link: HubLink, signal: AbortSignal) => Promise<T>, throttleMs?: number) =>
    new LiveQueryController<T>(this, {
      link: () => this.link,
      load: (link, signal) => (this.#chosen() ? load(link, signal) : undefined),
      ...(throttleMs
        ? {
            watch: (link, stale) =>
              link.live.on('line', (u) => u.line === this.line && u.site === this.site && stale()),
            throttleMs,
          }
        : {}),
    });
  readonly mode = this.#ask<LineModeState>((l, s) => l.api.quality.lineMode(this.site, this.line, s));
  readonly baseline = this.#ask<BaselineResponse>((l, s) => l.api.quality.baseline(this.site, this.line, s));
  readonly inputs = this.#ask<RoiInputsState>((l, s) => l.api.quality.roiInputs(this.site, this.line, s));
  readonly report = this.#ask<RoiReport>(
    (l, s) => l.api.quality.roi(this.site, this.line, this.#range(), s),
    10_000,
  );
  readonly audit = this.#ask<AuditSample>(
    (l, s) => l.api.quality.audit(this.site, this.line, this.#range(), s),
    10_000,
  );
  readonly opportunity = new LiveQueryController<OpportunityResponse>(this, {
    link: () => this.link,
    load: (link, signal) => link.api.quality.opportunity('30d', signal),
  });

  constructor() {
    super();
    this.link = undefined;
    this.access = NO_ACCESS;
    this.site = queryParam('site') ?? '';
    this.line = queryParam('line') ?? '';
    const p = queryParam('period');
    this.period = p && p in PERIODS ? (p as Period) : 'go-live';
    this.busy = false;
    this.actionError = '';
  }

  #chosen(): boolean {
    return this.site !== '' && this.line !== '';
  }

  #range(): { from?: number; to?: number } {
    if (this.period === 'go-live' || !this.link) return {};
    const to = this.link.clock.now();
    return { from: to - PERIOD_MS[this.period], to };
  }

  #reloadAll(): void {
    for (const q of [this.mode, this.baseline, this.inputs, this.report, this.audit]) void q.reload();
    void this.opportunity.reload({ quiet: true });
  }

  protected override updated(): void {
    // Until the URL names a line, take the first one the fleet knows.
    if (!this.#chosen() && this.fleet.loaded) {
      const first = this.fleet.allLines()[0];
      if (first) this.#choose(first.site, first.line);
    }
  }

  #choose(site: string, line: string): void {
    this.site = site;
    this.line = line;
    setQueryParams({ site, line });
    this.actionError = '';
    queueMicrotask(() => this.#reloadAll());
  }

  async #act(action: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.actionError = '';
    try {
      await action();
    } catch (cause) {
      this.actionError = cause instanceof Error ? cause.message : String(cause);
    }
    this.busy = false;
    this.#reloadAll();
  }

  #toolbar() {
    const lines = this.fleet.allLines();
    const key = `${this.site}/${this.line}`;
    const range = this.#range();
    const reportUrl = this.link?.api.quality.reportUrl({ site: this.site, line: this.line, ...range }) ?? '';
    return html`<div class="toolbar">
      <h2>ROI &amp; baseline</h2>
      <label>Line
        <select @change=${(e: Event) => {
          const [site = '', line = ''] = (e.target as HTMLSelectElement).value.split('/');
          this.#choose(site, line);
        }}>
          ${lines.map((l) => html`<option value=${`${l.site}/${l.line}`} ?selected=${`${l.site}/${l.line}` === key}>${l.site} / ${l.line}</option>`)}
        </select>
      </label>
      <label>Period
        <select @change=${(e: Event) => {
          this.period = (e.target as HTMLSelectElement).value as Period;
          setQueryParams({ period: this.period });
          void this.report.reload();
          void this.audit.reload();
        }}>
          ${Object.entries(PERIODS).map(([k, v]) => html`<option value=${k} ?selected=${k === this.period}>${v}</option>`)}
        </select>
      </label>
      <span class="spacer"></span>
      <a class="button" href=${reportUrl} target="_blank" rel="noopener">Printable report</a>
      <button type="button" @click=${() => window.print()}>Print this page</button>
    </div>`;
  }

  #figures(r: RoiReport) {
    return html`
      <section class="card">
        <div class="card-head">
          <h3>Return on investment · ${formatDateTime(r.from)} – ${formatDateTime(r.to)}</h3>
          <sl-csv-button .csv=${() => toCsv(FIGURE_CSV, figureRows(r))} .filename=${`${r.line}-roi-figures.csv`}></sl-csv-button>
        </div>
        <p class="counts" data-n=${r.counts.n} data-x=${r.counts.x}>
          ${formatCount(r.counts.n)} parts decided live (the AI acted), ${formatCount(r.counts.x)} rejected;
          ${r.counts.pilot_excluded ? `${formatCount(r.counts.pilot_excluded)} pilot parts left out; ` : ''}
          mode <strong>${r.mode}</strong>${r.go_live_ts ? `, live since ${formatDateTime(r.go_live_ts)}` : ''}.
        </p>
        <div class="figures headline">
          ${HEADLINE_FIGURES.map(([k, label]) => html`<sl-figure emphasis data-figure=${k} .label=${label} .figure=${r.figures[k]}></sl-figure>`)}
        </div>
        <h4>Since go-live</h4>
        <div class="figures">
          ${CUMULATIVE_FIGURES.map(([k, label]) => html`<sl-figure data-figure=${`cumulative-${k}`} .label=${label} .figure=${r.cumulative[k]}></sl-figure>`)}
        </div>
        <h4>How the savings arise</h4>
        <div class="figures">
          ${DETAIL_FIGURES.map(([k, label]) => html`<sl-figure data-figure=${k} .label=${label} .figure=${r.figures[k]}></sl-figure>`)}
        </div>
      </section>`;
  }

  #audit(a: AuditSample | undefined, r: RoiReport | undefined) {
    const c = a?.counts ?? r?.audit;
    const pi = a?.pi ?? r?.pi;
    const rho = a?.rho ?? r?.rho;
    return html`<section class="card">
      <div class="card-head">
        <h3>Audit sample behind π and ρ</h3>
        <a href=${`/gallery?site=${encodeURIComponent(this.site)}&line=${encodeURIComponent(this.line)}`}>Label images →</a>
      </div>
      ${
        c
          ? html`<p class="counts" data-figure="audit-counts">
              ${formatCount(c.confirmed_defect)} confirmed defects · ${formatCount(c.false_reject)} false rejects ·
              ${formatCount(c.missed_defect)} missed defects · ${formatCount(c.confirmed_ok)} confirmed good
            </p>`
          : nothing
      }
      <div class="figures two">
        <sl-figure data-figure="pi" label="Audited precision π" .figure=${pi}></sl-figure>
        <sl-figure data-figure="rho" label="Audited recall ρ" .figure=${rho}></sl-figure>
      </div>
    </section>`;
  }

  #opportunity(o: OpportunityResponse | undefined) {
    if (!o) return nothing;
    return html`<section class="card">
      <div class="card-head">
        <h3>Where inspection pays most · cost of poor quality per year</h3>
        <sl-csv-button .csv=${() => toCsv(OPPORTUNITY_CSV, o.lines)} filename="sightline-opportunity.csv"></sl-csv-button>
      </div>
      <table class="rank">
        <thead><tr><th scope="col">#</th><th scope="col">Line</th><th scope="col" class="num">Volume / yr</th><th scope="col" class="num">CoPQ / yr</th><th scope="col" class="num">Labels</th><th scope="col" class="num">Samples</th></tr></thead>
        <tbody>
          ${o.lines.map(
            (l) => html`<tr>
              <td>${l.rank}</td>
              <th scope="row"><a href=${`/roi?site=${encodeURIComponent(l.site)}&line=${encodeURIComponent(l.line)}`} @click=${(
                e: Event,
              ) => {
                e.preventDefault();
                this.#choose(l.site, l.line);
              }}>${l.site} / ${l.line}</a></th>
              <td class="num">${formatFigure(l.annual_volume)}</td>
              <td class="num" title=${l.copq.formula}>${formatFigure(l.copq)}${l.copq.missing.length ? html`<span class="sub">needs ${l.copq.missing.join(', ')}</span>` : nothing}</td>
              <td class="num">${formatCount(l.labels)}</td>
              <td class="num">${l.samples === null ? '–' : formatCount(l.samples)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
  }

  override render() {
    if (!this.link) return nothing;
    const link = this.link;
    const quality = link.api.quality;
    const r = this.report.value;
    const errors = [this.mode, this.baseline, this.inputs, this.report]
      .map((q) => q.error)
      .filter((e) => e !== undefined);
    return html`
      ${this.#toolbar()}
      ${this.actionError ? html`<p class="banner" role="alert">${this.actionError}</p>` : nothing}
      ${errors[0] ? html`<p class="banner" role="alert">${errors[0].message}</p>` : nothing}
      <sl-mode-steps
        .mode=${this.mode.value}
        .baseline=${this.baseline.value?.baseline ?? null}
        .now=${this.link.clock.now()}
        .busy=${this.busy}
        .access=${this.access}
        @start-pilot=${() => this.#act(() => quality.setMode(this.site, this.line, 'pilot', 'pilot to measure a baseline'))}
        @freeze-baseline=${(e: CustomEvent<{ from: number; to: number }>) =>
          this.#act(() =>
            // The window ends at the click, on the hub's clock; half a second short so a browser estimate a
            // little ahead of the hub never asks for a window ending in the future.
            quality.freezeBaseline(this.site, this.line, { from: e.detail.from, to: link.clock.now() - 500 }),
          )}
        @go-live=${() => this.#act(() => quality.goLive(this.site, this.line))}
      ></sl-mode-steps>
      ${r ? this.#figures(r) : this.report.loading ? html`<p class="muted">Loading figures…</p>` : nothing}
      ${this.#audit(this.audit.value, r)}
      <section class="card">
        <div class="card-head"><h3>ROI inputs</h3></div>
        <sl-roi-inputs
          .state=${this.inputs.value}
          .busy=${this.busy}
          .access=${this.access}
          .error=${this.actionError}
          @save-inputs=${(e: CustomEvent<Partial<RoiInputs> & { note?: string }>) =>
            this.#act(() => quality.setRoiInputs(this.site, this.line, e.detail))}
        ></sl-roi-inputs>
      </section>
      ${this.#opportunity(this.opportunity.value)}
    `;
  }

  static override styles = roiViewStyles;
}

customElements.define('sl-roi-view', SlRoiView);

declare global {
  interface HTMLElementTagNameMap {
    'sl-roi-view': SlRoiView;
  }
}
