import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { ClockResponse, RecipesResponse, SeriesResponse } from '../api/types.ts';
import { queryParam, setQueryParams } from '../app/router.ts';
import { FleetController } from '../controllers/fleet-controller.ts';
import { LiveQueryController } from '../controllers/live-query-controller.ts';
import type { RangeChoice } from '../elements/sl-range-picker.ts';
import { formatCount, formatPercent, formatThroughput } from '../format/format.ts';
import type { HubLink } from '../live/hub-link.ts';
import { agentRows } from '../model/agent-rows.ts';
import { toCsv } from '../model/csv.ts';
import { deriveLineState } from '../model/line-state.ts';
import {
  RANGE_LABELS,
  RANGE_PRESETS,
  type RangePreset,
  resolveRange,
  type TimeRange,
} from '../model/range.ts';
import { SERIES_CSV, seriesTotals } from '../model/series-table.ts';
import '../elements/sl-agent-table.ts';
import '../elements/sl-csv-button.ts';
import '../elements/sl-p-chart.ts';
import '../elements/sl-pareto.ts';
import '../elements/sl-range-picker.ts';
import '../elements/sl-recipe-table.ts';
import '../elements/sl-series-chart.ts';
import '../elements/sl-state-badge.ts';
import { lineViewStyles } from './sl-line-view.styles.ts';

function initialRange(): RangeChoice {
  const preset = queryParam('range') as RangePreset | null;
  if (preset === 'custom') {
    const from = Date.parse(queryParam('from') ?? '');
    const to = Date.parse(queryParam('to') ?? '');
    if (Number.isFinite(from) && Number.isFinite(to) && to > from) return { preset, from, to };
  }
  return { preset: preset && (RANGE_PRESETS as readonly string[]).includes(preset) ? preset : '8h' };
}

const pct = (v: number) => formatPercent(v);
const count = (v: number) => formatCount(v);

/** One line, deep-linkable: p-chart, inspected/rejects/coverage/throughput, Pareto of classes, its agents. */
export class SlLineView extends LitElement {
  static override properties = {
    link: { attribute: false },
    site: { attribute: false },
    line: { type: String },
    range: { state: true },
  };

  declare link: HubLink | undefined;
  /** null when the URL named only the line; found from the fleet. */
  declare site: string | null;
  declare line: string;
  declare range: RangeChoice;

  readonly fleet = new FleetController(this, {
    link: () => this.link,
    window: () => '5m',
    windowSeconds: () => 300,
    agentsEveryMs: 5_000,
  });
  readonly #clock = new LiveQueryController<ClockResponse>(this, {
    link: () => this.link,
    load: (link, signal) => link.api.clock(signal),
  });
  readonly series = new LiveQueryController<SeriesResponse>(this, {
    link: () => this.link,
    load: (link, signal) => {
      const q = this.#query();
      return q ? link.api.series(q, signal) : undefined;
    },
    // A commit on this line changes the last bucket; re-read at most every 5 s while the range runs to now.
    watch: (link, stale) =>
      link.live.on('line', (u) => {
        if (
          u.line === this.line &&
          u.site === this.#site() &&
          this.range.preset !== 'custom' &&
          this.range.preset !== 'prev-shift'
        )
          stale();
      }),
  });

  /** The line by product, over the range when it ends now (the hub splits windows ending now). */
  readonly recipes = new LiveQueryController<RecipesResponse>(this, {
    link: () => this.link,
    load: (link, signal) => {
      const r = this.#resolved();
      if (!r || this.range.preset === 'custom' || this.range.preset === 'prev-shift') return undefined;
      return link.api.recipes(`${Math.max(60, Math.round((r.to - r.from) / 60_000))}m`, signal);
    },
    watch: (link, stale) => link.live.on('line', (u) => u.line === this.line && stale()),
    throttleMs: 10_000,
  });

  constructor() {
    super();
    this.link = undefined;
    this.site = null;
    this.line = '';
    this.range = initialRange();
  }

  #site(): string | null {
    if (this.site !== null) return this.site;
    return this.fleet.allLines().find((l) => l.line === this.line)?.site ?? null;
  }

  #resolved(): TimeRange | undefined {
    const clock = this.#clock.value;
    if (!clock || !this.link) return undefined;
    const custom =
      this.range.from !== undefined && this.range.to !== undefined
        ? { from: this.range.from, to: this.range.to }
        : undefined;
    return resolveRange(
      this.range.preset,
      this.link.clock.now(),
      {
        utcOffsetMinutes: clock.utc_offset_minutes,
        shiftStartMinute: clock.shift_start_minute,
        shiftMinutes: clock.shift_minutes,
      },
      custom,
    );
  }

  #query() {
    const site = this.#site();
    const r = this.#resolved();
    if (!site || !r) return undefined;
    return { site, line: this.line, bucket: r.bucket, from: r.from, to: r.to };
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('range') && changed.get('range') !== undefined) {
      void this.series.reload();
      void this.recipes.reload();
    }
    if ((changed.has('line') || changed.has('site')) && changed.get('line') !== undefined)
      void this.series.reload();
    // The clock (shift hours) and, for /lines/{line}, the site arrive after the first render.
    if (!this.series.value && !this.series.loading && !this.series.error && this.#query())
      void this.series.reload();
  }

  #onRange(event: CustomEvent<RangeChoice>): void {
    this.range = event.detail;
    const c = event.detail;
    setQueryParams({
      range: c.preset,
      from: c.preset === 'custom' && c.from ? new Date(c.from).toISOString() : null,
      to: c.preset === 'custom' && c.to ? new Date(c.to).toISOString() : null,
    });
  }

  #header(site: string | null) {
    const link = this.link;
    const metrics = site ? this.fleet.lines.get(`${site}/${this.line}`) : undefined;
    const agents = site ? this.fleet.agentsOf(site, this.line) : [];
    const liveness = link?.liveness();
    const state =
      link && this.fleet.loaded
        ? deriveLineState({
            agents,
            lastTs: metrics?.last_ts ?? null,
            hubNow: link.clock.now(),
            live: liveness?.live ?? false,
            notLiveReason: liveness?.reason,
          })
        : undefined;
    const models = [
      ...new Set(agents.flatMap((a) => (a.birth ? [`${a.birth.model.id} ${a.birth.model.version}`] : []))),
    ];
    return html`<header class="head">
      <a class="back" href="/">← Fleet</a>
      <h2>${this.line} <span class="site">${site ?? ''}</span></h2>
      ${state ? html`<sl-state-badge .state=${state.state} .reason=${state.reason}></sl-state-badge><span class="why">${state.reason}</span>` : nothing}
      ${models.length ? html`<span class="model">model ${models.join(', ')}</span>` : nothing}
    </header>`;
  }

  #charts(s: SeriesResponse, r: TimeRange) {
    const t = seriesTotals(s.points);
    const value = <K extends 'n' | 'x' | 'parts_per_min'>(key: K) =>
      s.points.map((p) => ({
        start: p.start,
        end: p.end,
        value: p.n > 0 || key !== 'parts_per_min' ? p[key] : null,
      }));
    const coverage = s.points.map((p) => ({ start: p.start, end: p.end, value: p.coverage.coverage }));
    return html`
      <section class="strip" aria-label="Totals over the range">
        <div><span class="k">Inspected</span><span class="v" data-figure="n">${count(t.n)}</span></div>
        <div><span class="k">Rejects</span><span class="v" data-figure="x">${count(t.x)}</span></div>
        <div><span class="k">Reject rate</span><span class="v" data-figure="rate">${t.rate === null ? '–' : pct(t.rate)}</span></div>
        <div><span class="k">p̄ (reference)</span><span class="v">${s.reference.p_bar === null ? '–' : pct(s.reference.p_bar)}</span></div>
        <div><span class="k">Out of control</span><span class="v ${t.signals ? 'bad' : ''}" data-figure="signals">${t.signals} of ${s.points.length}</span></div>
        <div><span class="k">Throughput</span><span class="v">${t.partsPerMin === null ? '–' : formatThroughput(t.partsPerMin)}</span></div>
        <div><span class="k">Coverage</span><span class="v">${t.coverage === null ? '–' : pct(t.coverage)}</span></div>
      </section>
      <section class="card">
        <div class="card-head">
          <h3>p-chart · defect rate per ${s.bucket === 'minute' ? 'minute' : s.bucket}</h3>
          <sl-csv-button .csv=${() => toCsv(SERIES_CSV, s.points)} .filename=${`${this.line}-series.csv`}></sl-csv-button>
        </div>
        ${
          s.points.length === 0
            ? html`<p class="empty">No results in ${RANGE_LABELS[this.range.preset].toLowerCase()}.</p>`
            : html`<sl-p-chart .points=${s.points} .pBar=${s.reference.p_bar} .from=${r.from} .to=${r.to}></sl-p-chart>`
        }
      </section>
      <section class="multiples">
        <sl-series-chart label="Inspected" kind="bars" .values=${value('n')} .from=${r.from} .to=${r.to} .format=${count} .summary=${count(t.n)}></sl-series-chart>
        <sl-series-chart label="Rejects" kind="bars" tone="bad" .values=${value('x')} .from=${r.from} .to=${r.to} .format=${count} .summary=${count(t.x)}></sl-series-chart>
        <sl-series-chart label="Coverage" .values=${coverage} .from=${r.from} .to=${r.to} .yMax=${1} .format=${(v: number) => `${Math.round(v * 100)} %`} .summary=${t.coverage === null ? '–' : pct(t.coverage)}></sl-series-chart>
        <sl-series-chart label="Throughput" .values=${value('parts_per_min')} .from=${r.from} .to=${r.to} .format=${count} .summary=${t.partsPerMin === null ? '–' : formatThroughput(t.partsPerMin)}></sl-series-chart>
      </section>
      <div class="pair">
        <section class="card">
          <div class="card-head"><h3>Defects by class</h3></div>
          <sl-pareto .classes=${s.points.map((p) => p.classes)} .defects=${t.x}></sl-pareto>
        </section>
        ${this.#products()}
      </div>
    `;
  }

  /** Shown when the line runs several products (recipes) and the hub splits by them. */
  #products() {
    const mine = this.recipes.value?.lines.find((l) => l.line === this.line && l.site === this.#site());
    if (!mine || mine.recipes.length === 0 || (mine.recipes.length === 1 && mine.recipes[0]?.recipe === ''))
      return nothing;
    return html`<section class="card">
      <div class="card-head"><h3>By product</h3></div>
      <sl-recipe-table .recipes=${mine.recipes}></sl-recipe-table>
    </section>`;
  }

  override render() {
    if (!this.link) return nothing;
    const site = this.#site();
    const r = this.#resolved();
    const s = this.series.value;
    const agents = site ? this.fleet.agentsOf(site, this.line) : [];
    const notFound = this.fleet.loaded && site === null;
    return html`
      ${this.#header(site)}
      <sl-range-picker .value=${this.range} @range-change=${this.#onRange}></sl-range-picker>
      ${this.series.error ? html`<p class="banner" role="alert">${this.series.error.message}</p>` : nothing}
      ${notFound ? html`<p class="banner" role="alert">No line "${this.line}" on this hub. <a href="/">See every line</a>.</p>` : nothing}
      <div aria-busy=${this.series.loading ? 'true' : 'false'} class="body">
        ${s && r ? this.#charts(s, r) : this.series.error || notFound ? nothing : html`<p class="empty">Loading…</p>`}
      </div>
      <section class="card">
        <div class="card-head"><h3>Agents on this line</h3></div>
        <sl-agent-table .rows=${agentRows(agents, [], this.link.clock.now())} .hubNow=${this.link.clock.now()} .showLine=${false}></sl-agent-table>
      </section>
    `;
  }

  static override styles = lineViewStyles;
}

customElements.define('sl-line-view', SlLineView);

declare global {
  interface HTMLElementTagNameMap {
    'sl-line-view': SlLineView;
  }
}
