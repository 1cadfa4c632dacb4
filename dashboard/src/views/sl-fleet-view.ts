import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { fetchLines } from '../api/client.ts';
import { type LineMetrics, type LinesResponse, type TimeWindow, WINDOW_SECONDS } from '../api/types.ts';
import { PollController } from '../controllers/poll-controller.ts';
import { formatAgo, formatCount, formatPercent, rateScaleMax, windowLabel } from '../format/format.ts';
import '../elements/sl-line-card.ts';

const byLine = (a: LineMetrics, b: LineMetrics) =>
  a.site.localeCompare(b.site) || a.line.localeCompare(b.line);

/** Every line's metrics over the selected window, polled live; empty, loading and error states. */
export class SlFleetView extends LitElement {
  static override properties = { window: { type: String } };

  declare window: TimeWindow;

  readonly #lines = new PollController<LinesResponse>(this, {
    load: (signal) => fetchLines(this.window, signal),
    intervalMs: 2_000,
  });

  constructor() {
    super();
    this.window = '5m';
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('window') && changed.get('window') !== undefined) void this.#lines.refresh();
  }

  #summary(data: LinesResponse) {
    const n = data.lines.reduce((sum, l) => sum + l.inspected, 0);
    const d = data.lines.reduce((sum, l) => sum + l.defects, 0);
    const lines = data.lines.length;
    return html`
      <p class="summary">
        <span><strong>${lines}</strong> ${lines === 1 ? 'line' : 'lines'}</span>
        <span><strong>${formatCount(n)}</strong> inspected</span>
        <span><strong>${formatCount(d)}</strong> defects</span>
        <span>fleet rate <strong>${n > 0 ? formatPercent(d / n) : '–'}</strong></span>
        <span class="muted">last ${windowLabel(this.window)}</span>
      </p>
    `;
  }

  #banner() {
    const { error, value, updatedAt } = this.#lines;
    if (!error || !value) return nothing;
    const age = updatedAt === undefined ? '' : ` from ${formatAgo(Date.now() - updatedAt)}`;
    return html`<p class="banner" role="alert">
      <strong>Not live.</strong> Showing data${age}. ${error.message} Retrying…
    </p>`;
  }

  override render() {
    const { value, error } = this.#lines;
    if (!value) {
      if (error) {
        return html`<section class="state error" role="alert">
          <h2>Hub unreachable</h2>
          <p>${error.message}</p>
          <p class="muted">Retrying automatically.</p>
        </section>`;
      }
      return html`<section class="state" aria-busy="true"><p class="muted">Loading lines…</p></section>`;
    }
    if (value.lines.length === 0) {
      return html`${this.#banner()}
        <section class="state">
          <h2>No results yet — start an agent</h2>
          <p class="muted">
            Point an agent at this hub's MQTT broker (<code>sightline-agent doctor</code> checks the link);
            its lines appear here within seconds.
          </p>
        </section>`;
    }
    const lines = [...value.lines].sort(byLine);
    const scaleMax = rateScaleMax(lines.map((l) => l.defect_rate_ci[1]));
    // Until the first answer for a newly chosen window arrives, the figures are for the old one.
    const switching = value.window_s !== WINDOW_SECONDS[this.window];
    return html`
      ${this.#banner()} ${this.#summary(value)}
      <section class="grid" aria-label="Production lines" aria-busy=${switching ? 'true' : 'false'}>
        ${lines.map(
          (l) => html`<sl-line-card
            data-line=${l.line}
            data-site=${l.site}
            .line=${l}
            .now=${value.now}
            .scaleMax=${scaleMax}
          ></sl-line-card>`,
        )}
      </section>
    `;
  }

  static override styles = css`
    :host {
      display: block;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(290px, 1fr));
      gap: 16px;
    }
    .grid[aria-busy='true'] {
      opacity: 0.5;
      transition: opacity 0.2s;
    }
    .summary {
      display: flex;
      flex-wrap: wrap;
      gap: 6px 22px;
      margin: 0 0 16px;
      font-size: 0.9rem;
      color: var(--sl-text-2, #b8c0ca);
      font-variant-numeric: tabular-nums;
    }
    .summary strong {
      color: var(--sl-text, #e6e9ed);
      font-weight: 600;
    }
    .muted {
      color: var(--sl-muted, #8b96a3);
    }
    .state {
      padding: 48px 24px;
      border: 1px dashed var(--sl-border, #2a323c);
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
      border-color: color-mix(in srgb, var(--sl-bad, #e5645b) 60%, transparent);
    }
    .banner {
      margin: 0 0 16px;
      padding: 10px 14px;
      border-radius: 6px;
      border: 1px solid color-mix(in srgb, var(--sl-warn, #e0a93b) 60%, transparent);
      background: color-mix(in srgb, var(--sl-warn, #e0a93b) 10%, transparent);
      font-size: 0.9rem;
    }
    code {
      font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
      font-size: 0.85em;
      padding: 1px 5px;
      border-radius: 3px;
      background: var(--sl-track, #232a33);
    }
  `;
}

customElements.define('sl-fleet-view', SlFleetView);

declare global {
  interface HTMLElementTagNameMap {
    'sl-fleet-view': SlFleetView;
  }
}
