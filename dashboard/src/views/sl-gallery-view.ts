import { html, LitElement, nothing } from 'lit';
import { type Access, NO_ACCESS } from '../api/permissions.ts';
import type { AuditSample, LabelKind, LabelsResponse, SampleRecord, SamplesResponse } from '../api/types.ts';
import { queryParam, setQueryParams } from '../app/router.ts';
import { FleetController } from '../controllers/fleet-controller.ts';
import { LiveQueryController } from '../controllers/live-query-controller.ts';
import { formatAgo, formatDateTime } from '../format/format.ts';
import type { HubLink } from '../live/hub-link.ts';
import { toCsv } from '../model/csv.ts';
import { formatFigure } from '../model/figure-format.ts';
import { labelsFor, labelText, resultKey } from '../model/labels.ts';
import '../elements/sl-csv-button.ts';
import '../elements/sl-role-note.ts';
import '../elements/sl-sample-image.ts';
import { galleryStyles } from './sl-gallery-view.styles.ts';

type VerdictFilter = 'defect' | 'uncertain' | 'ok' | 'all';

const SAMPLE_CSV = [
  { header: 'sha256', value: (s: SampleRecord) => s.sha256 },
  { header: 'site', value: (s: SampleRecord) => s.site },
  { header: 'line', value: (s: SampleRecord) => s.line },
  { header: 'agent', value: (s: SampleRecord) => s.agent },
  { header: 'seq', value: (s: SampleRecord) => s.seq },
  { header: 'ts', value: (s: SampleRecord) => new Date(s.ts).toISOString() },
  { header: 'verdict', value: (s: SampleRecord) => s.verdict },
  { header: 'score', value: (s: SampleRecord) => s.score },
  { header: 'threshold', value: (s: SampleRecord) => s.threshold },
  { header: 'model', value: (s: SampleRecord) => (s.model ? `${s.model.id} ${s.model.version}` : '') },
  { header: 'label', value: (s: SampleRecord) => s.label },
];

/**
 * Defect images from the hub's sample store, newest first and live: the model's overlay, score, threshold,
 * model and time; label each (confirmed defect, false reject, missed defect, good part) with the keyboard —
 * ←/→ or j/k to move, d/f/m/g to label — and watch π and ρ move with the labels. Labelling shows to the roles the
 * hub lets label (`access`); others browse the same images and labels.
 */
export class SlGalleryView extends LitElement {
  static override properties = {
    link: { attribute: false },
    access: { attribute: false },
    site: { state: true },
    line: { state: true },
    verdict: { state: true },
    selected: { state: true },
    error: { state: true },
  };

  declare link: HubLink | undefined;
  declare access: Access;
  declare site: string;
  declare line: string;
  declare verdict: VerdictFilter;
  /** sha256 of the sample shown large. */
  declare selected: string | null;
  declare error: string;

  /** Labels set here before the hub's list shows them. */
  readonly #pending = new Map<string, LabelKind | null>();
  readonly fleet = new FleetController(this, {
    link: () => this.link,
    window: () => '5m',
    windowSeconds: () => 300,
  });
  readonly samples = new LiveQueryController<SamplesResponse>(this, {
    link: () => this.link,
    load: (link, signal) =>
      link.api.samples(
        {
          ...(this.site ? { site: this.site } : {}),
          ...(this.line ? { line: this.line } : {}),
          ...(this.verdict === 'all' ? {} : { verdict: this.verdict }),
          limit: 60,
        },
        signal,
      ),
    // New results on a line mean new samples may follow: look again within half a second, every 1.5 s anyway.
    watch: (link, stale) => link.live.on('line', (u) => (!this.line || u.line === this.line) && stale()),
    throttleMs: 500,
    everyMs: 1_500,
  });
  readonly labels = new LiveQueryController<LabelsResponse>(this, {
    link: () => this.link,
    load: (link, signal) =>
      link.api.quality.labels(
        { ...(this.site ? { site: this.site } : {}), ...(this.line ? { line: this.line } : {}), limit: 2000 },
        signal,
      ),
  });
  readonly audit = new LiveQueryController<AuditSample>(this, {
    link: () => this.link,
    load: (link, signal) =>
      this.site && this.line ? link.api.quality.audit(this.site, this.line, {}, signal) : undefined,
  });

  readonly #onKey = (e: KeyboardEvent) => this.#key(e);

  constructor() {
    super();
    this.link = undefined;
    this.access = NO_ACCESS;
    this.site = queryParam('site') ?? '';
    this.line = queryParam('line') ?? '';
    const v = queryParam('verdict');
    this.verdict = v === 'uncertain' || v === 'ok' || v === 'all' ? v : 'defect';
    this.selected = null;
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.#onKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.#onKey);
  }

  #list(): SampleRecord[] {
    return this.samples.value?.samples ?? [];
  }

  #labelOf(s: SampleRecord): LabelKind | null {
    const key = resultKey(s);
    if (this.#pending.has(key)) return this.#pending.get(key) ?? null;
    const found = this.labels.value?.labels.find((l) => resultKey(l) === key);
    // The sample store keeps the label too (set here alongside the audit label).
    return found?.kind ?? (labelText(s.label) ? (s.label as LabelKind) : null);
  }

  #move(step: number): void {
    const list = this.#list();
    if (list.length === 0) return;
    const i = list.findIndex((s) => s.sha256 === this.selected);
    const next = list[Math.min(list.length - 1, Math.max(0, i < 0 ? 0 : i + step))];
    this.selected = next?.sha256 ?? null;
    void this.updateComplete.then(() =>
      this.renderRoot
        .querySelector<HTMLElement>(`[data-sha="${this.selected}"]`)
        ?.scrollIntoView({ block: 'nearest' }),
    );
  }

  #key(e: KeyboardEvent): void {
    const target = e.composedPath()[0] as HTMLElement | undefined;
    if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
    if (e.metaKey || e.ctrlKey || e.altKey) return;
    const current = this.#list().find((s) => s.sha256 === this.selected);
    if (e.key === 'ArrowRight' || e.key === 'j') this.#move(1);
    else if (e.key === 'ArrowLeft' || e.key === 'k') this.#move(-1);
    else if (current && this.access.permit('label').may) {
      const label = labelsFor(current.verdict).find((l) => l.key === e.key.toLowerCase());
      if (label) void this.#label(current, label.kind);
      else if (e.key === '0' || e.key === 'Backspace') void this.#label(current, null);
      else return;
    } else return;
    e.preventDefault();
  }

  async #label(s: SampleRecord, kind: LabelKind | null): Promise<void> {
    const link = this.link;
    if (!link || s.seq === null) {
      this.error = 'This image is not tied to an inspection result, so it cannot be labelled.';
      return;
    }
    const key = resultKey(s);
    this.#pending.set(key, kind);
    this.error = '';
    this.requestUpdate();
    if (kind !== null) this.#move(1);
    try {
      await link.api.quality.label({ site: s.site, line: s.line, agent: s.agent, seq: s.seq }, kind, {
        ts: s.ts,
      });
      // The sample store keeps labelled images longest; its label is a hint, so a failure there is not fatal.
      await link.api.sampleLabel(s.sha256, kind).catch(() => undefined);
    } catch (cause) {
      this.#pending.delete(key);
      this.error = cause instanceof Error ? cause.message : String(cause);
    }
    await Promise.all([this.labels.reload({ quiet: true }), this.audit.reload({ quiet: true })]);
    this.#pending.delete(key);
    this.requestUpdate();
  }

  #filter(changes: Partial<{ site: string; line: string; verdict: VerdictFilter }>): void {
    Object.assign(this, changes);
    setQueryParams({ site: this.site || null, line: this.line || null, verdict: this.verdict });
    this.selected = null;
    for (const q of [this.samples, this.labels, this.audit]) void q.reload();
  }

  #toolbar() {
    const lines = this.fleet.allLines();
    const a = this.audit.value;
    return html`<div class="toolbar">
      <h2>Defect images</h2>
      <label>Line
        <select @change=${(e: Event) => {
          const [site = '', line = ''] = (e.target as HTMLSelectElement).value.split('/');
          this.#filter({ site, line });
        }}>
          <option value="" ?selected=${!this.line}>All lines</option>
          ${lines.map((l) => html`<option value=${`${l.site}/${l.line}`} ?selected=${l.line === this.line && l.site === this.site}>${l.site} / ${l.line}</option>`)}
        </select>
      </label>
      <label>Verdict
        <select @change=${(e: Event) => this.#filter({ verdict: (e.target as HTMLSelectElement).value as VerdictFilter })}>
          ${(['defect', 'uncertain', 'ok', 'all'] as const).map((v) => html`<option ?selected=${v === this.verdict}>${v}</option>`)}
        </select>
      </label>
      ${
        a
          ? html`<span class="audit" data-figure="audit">
              π <strong data-figure="pi">${formatFigure(a.pi)}</strong> · ρ <strong data-figure="rho">${formatFigure(a.rho)}</strong>
              <span class="muted">from ${a.counts.confirmed_defect + a.counts.false_reject + a.counts.missed_defect} labels</span>
            </span>`
          : html`<span class="muted">Choose a line to see its audited π and ρ.</span>`
      }
      <span class="spacer"></span>
      <sl-csv-button .csv=${() => toCsv(SAMPLE_CSV, this.#list())} filename="sightline-samples.csv"></sl-csv-button>
    </div>`;
  }

  #detail(s: SampleRecord) {
    const link = this.link;
    const label = this.#labelOf(s);
    const labelling = this.access.permit('label');
    return html`<aside class="detail" aria-label="Selected image">
      <sl-sample-image large .sample=${s} .src=${link?.api.sampleUrl(s.sha256) ?? ''}></sl-sample-image>
      <dl>
        <div><dt>Verdict</dt><dd class=${s.verdict ?? ''}>${s.verdict ?? '–'}</dd></div>
        <div><dt>Score / threshold</dt><dd>${s.score?.toFixed(3) ?? '–'} / ${s.threshold?.toFixed(3) ?? '–'}</dd></div>
        <div><dt>Model</dt><dd>${s.model ? `${s.model.id} ${s.model.version}` : '–'}</dd></div>
        <div><dt>Captured</dt><dd>${formatDateTime(s.ts)}</dd></div>
        <div><dt>Where</dt><dd>${s.line} · ${s.agent}${s.camera ? ` · ${s.camera}` : ''}</dd></div>
        <div><dt>Label</dt><dd data-label=${label ?? ''}>${labelText(label) ?? 'not labelled'}</dd></div>
      </dl>
      ${labelling.may ? this.#labelButtons(s, label) : html`<sl-role-note .permit=${labelling}></sl-role-note>`}
    </aside>`;
  }

  #labelButtons(s: SampleRecord, label: LabelKind | null) {
    return html`<div class="labels" role="group" aria-label="Label this image">
        ${labelsFor(s.verdict).map(
          (
            l,
          ) => html`<button type="button" class=${label === l.kind ? 'on' : ''} aria-pressed=${label === l.kind ? 'true' : 'false'} @click=${() => this.#label(s, l.kind)}>
            ${l.text} <kbd>${l.key.toUpperCase()}</kbd>
          </button>`,
        )}
        ${label ? html`<button type="button" class="plain" @click=${() => this.#label(s, null)}>Clear <kbd>0</kbd></button>` : nothing}
      </div>
      <p class="keys">←/→ or J/K: previous/next · the letter on a button labels the image and moves on</p>`;
  }

  override render() {
    const link = this.link;
    if (!link) return nothing;
    const list = this.#list();
    const hubNow = link.clock.now();
    const selected = list.find((s) => s.sha256 === this.selected) ?? list[0];
    return html`
      ${this.#toolbar()}
      ${this.error ? html`<p class="banner" role="alert">${this.error}</p>` : nothing}
      ${this.samples.error ? html`<p class="banner" role="alert">${this.samples.error.message}</p>` : nothing}
      ${
        list.length === 0
          ? html`<p class="empty">${this.samples.value ? 'No images yet. Agents with samples enabled send their defect frames here.' : 'Loading images…'}</p>`
          : html`<div class="layout">
              <ul class="grid" aria-label="Images, newest first">
                ${list.map((s) => {
                  const label = this.#labelOf(s);
                  return html`<li data-sha=${s.sha256} data-seq=${s.seq ?? ''} class=${s.sha256 === selected?.sha256 ? 'on' : ''}>
                    <button type="button" aria-current=${s.sha256 === selected?.sha256 ? 'true' : 'false'} @click=${() => {
                      this.selected = s.sha256;
                    }}>
                      <sl-sample-image .sample=${s} .src=${link.api.sampleUrl(s.sha256)}></sl-sample-image>
                      <span class="meta">
                        <span class="score">${s.score?.toFixed(2) ?? '–'}</span>
                        <span class="ago">${formatAgo(hubNow - s.ts)}</span>
                      </span>
                      <span class="where">${s.line}</span>
                      ${label ? html`<span class="chip ${label}">${labelText(label)}</span>` : nothing}
                    </button>
                  </li>`;
                })}
              </ul>
              ${selected ? this.#detail(selected) : nothing}
            </div>`
      }
    `;
  }

  static override styles = galleryStyles;
}

customElements.define('sl-gallery-view', SlGalleryView);

declare global {
  interface HTMLElementTagNameMap {
    'sl-gallery-view': SlGalleryView;
  }
}
