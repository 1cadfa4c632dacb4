import { css, html, LitElement, nothing } from 'lit';
import { type Access, NO_ACCESS } from '../api/permissions.ts';
import type { Baseline, LineModeState } from '../api/types.ts';
import { formatCount, formatDateTime, formatPercent, formatThroughput } from '../format/format.ts';
import './sl-role-note.ts';

/**
 * The pilot → baseline → live sequence as three steps: run the line observe-only, freeze a pilot window as
 * its baseline in one click, go live with one switch. Fires `start-pilot`, `freeze-baseline` ({from, to})
 * and `go-live`; the view does the calls. Each step's control shows only to a role that may (`access`); others
 * read the same steps with a note of the role that changes them.
 */
export class SlModeSteps extends LitElement {
  static override properties = {
    mode: { attribute: false },
    baseline: { attribute: false },
    now: { type: Number },
    busy: { type: Boolean },
    access: { attribute: false },
  };

  declare mode: LineModeState | undefined;
  declare baseline: Baseline | null;
  /** Hub time now, to end the pilot window. */
  declare now: number;
  declare busy: boolean;
  declare access: Access;

  constructor() {
    super();
    this.mode = undefined;
    this.baseline = null;
    this.now = Date.now();
    this.busy = false;
    this.access = NO_ACCESS;
  }

  #fire(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  /** The pilot window: from when the line entered pilot mode to now. */
  #pilotWindow(): { from: number; to: number } | null {
    const m = this.mode;
    if (m?.mode !== 'pilot' || m.since === null) return null;
    return { from: m.since, to: this.now };
  }

  override render() {
    const m = this.mode;
    if (!m) return html`<p class="muted">Loading the line's mode…</p>`;
    const b = this.baseline;
    const pilot = m.mode === 'pilot';
    const window = this.#pilotWindow();
    const unconverged = m.agents.filter((a) => !a.converged);
    const liveSince = pilot ? null : m.go_live_ts;
    const live = liveSince !== null;
    const startPilot = this.access.permit('start-pilot');
    const freeze = this.access.permit('freeze-baseline');
    const goLive = this.access.permit('go-live');
    return html`<ol class="steps">
      <li class=${pilot || b ? 'done' : 'current'}>
        <h4>1 · Pilot (observe only)</h4>
        <p>
          ${
            pilot
              ? html`In pilot since <strong>${m.since === null ? '–' : formatDateTime(m.since)}</strong>: agents decide and report but do not act.`
              : b
                ? html`Pilot done.`
                : html`The line is <strong>live</strong>. Run a pilot to measure a baseline before the AI acts.`
          }
        </p>
        ${
          unconverged.length
            ? html`<p class="warn">Waiting for ${unconverged.map((a) => a.agent).join(', ')} to switch to ${m.mode}.</p>`
            : nothing
        }
        ${
          pilot || b
            ? nothing
            : startPilot.may
              ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.#fire('start-pilot')}>Start pilot</button>`
              : html`<sl-role-note .permit=${startPilot}></sl-role-note>`
        }
      </li>
      <li class=${b ? 'done' : pilot ? 'current' : ''}>
        <h4>2 · Freeze baseline</h4>
        ${
          b
            ? html`<p>
                Baseline <strong>${formatDateTime(b.from)} – ${formatDateTime(b.to)}</strong>, frozen by ${b.frozen_by}
                ${formatDateTime(b.frozen_ts)}:
              </p>
              <dl class="base">
                <div><dt>n</dt><dd data-figure="base-n">${formatCount(b.n)}</dd></div>
                <div><dt>rejects</dt><dd>${formatCount(b.x)}</dd></div>
                <div><dt>p_base</dt><dd data-figure="p-base">${b.p_base === null ? '–' : formatPercent(b.p_base)}${b.p_base_corrected ? '' : ' (uncorrected)'}</dd></div>
                <div><dt>s_base</dt><dd data-figure="s-base">${b.s_base === null ? '–' : formatThroughput(b.s_base)}</dd></div>
                <div><dt>p̄ (p-chart)</dt><dd>${b.p_bar === null ? '–' : formatPercent(b.p_bar)}</dd></div>
              </dl>`
            : window
              ? freeze.may
                ? html`<p>Freeze the pilot window ${formatDateTime(window.from)} – now as this line's baseline.</p>
                    <button type="button" class="primary" ?disabled=${this.busy} @click=${() => this.#fire('freeze-baseline', window)}>
                      Freeze baseline
                    </button>`
                : html`<p>Pilot running since ${formatDateTime(window.from)}; no baseline frozen yet.</p>
                    <sl-role-note .permit=${freeze}></sl-role-note>`
              : html`<p class="muted">Start a pilot first.</p>`
        }
      </li>
      <li class=${live ? 'done' : b && pilot ? 'current' : ''}>
        <h4>3 · Go live</h4>
        ${
          goLive.may
            ? html`<label class="switch">
                <input
                  type="checkbox"
                  role="switch"
                  .checked=${live}
                  ?disabled=${this.busy || !pilot || !b}
                  @change=${() => this.#fire('go-live')}
                />
                <span class="track" aria-hidden="true"></span>
                ${liveSince !== null ? html`Live since ${formatDateTime(liveSince)}` : 'Go live: agents act on their verdicts'}
              </label>`
            : html`<p data-live=${live}>${liveSince !== null ? html`Live since <strong>${formatDateTime(liveSince)}</strong>: agents act on their verdicts.` : pilot ? 'Not live yet: in pilot, agents do not act on their verdicts.' : 'Not gone live from a pilot yet.'}</p>
              <sl-role-note .permit=${goLive}></sl-role-note>`
        }
        ${pilot && !b ? html`<p class="muted">Freeze a baseline first, so savings have something to compare with.</p>` : nothing}
      </li>
    </ol>`;
  }

  static override styles = css`
    .steps {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      grid-template-columns: repeat(3, minmax(0, 1fr));
      gap: 12px;
    }
    li {
      padding: 12px 14px;
      border: 1px solid var(--sl-border);
      border-radius: 8px;
      background: var(--sl-card);
      display: grid;
      gap: 8px;
      align-content: start;
    }
    li.current {
      border-color: var(--sl-accent);
    }
    li.done h4::after {
      content: ' ✓';
      color: var(--sl-good);
    }
    h4 {
      margin: 0;
      font-size: 0.92rem;
    }
    p {
      margin: 0;
      font-size: 0.88rem;
      color: var(--sl-text-2);
    }
    .muted {
      color: var(--sl-muted);
    }
    .warn {
      color: var(--sl-warn);
    }
    button {
      justify-self: start;
      font: inherit;
      font-size: 0.88rem;
      padding: 6px 14px;
      border-radius: 6px;
      border: 1px solid var(--sl-border);
      background: var(--sl-track);
      color: var(--sl-text);
      cursor: pointer;
    }
    button.primary {
      background: var(--sl-accent);
      border-color: var(--sl-accent);
      color: #001;
      font-weight: 600;
    }
    button:disabled {
      opacity: 0.5;
      cursor: default;
    }
    button:focus-visible,
    input:focus-visible + .track {
      outline: 2px solid var(--sl-accent);
      outline-offset: 2px;
    }
    .base {
      margin: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 4px 14px;
      font-size: 0.85rem;
      font-variant-numeric: tabular-nums;
    }
    .base div {
      display: grid;
    }
    dt {
      font-size: 0.7rem;
      color: var(--sl-muted);
    }
    dd {
      margin: 0;
    }
    .switch {
      display: inline-flex;
      align-items: center;
      gap: 10px;
      font-size: 0.9rem;
      cursor: pointer;
      position: relative;
    }
    .switch input {
      position: absolute;
      opacity: 0;
      width: 44px;
      height: 24px;
      margin: 0;
      cursor: pointer;
    }
    .track {
      flex: none;
      width: 44px;
      height: 24px;
      border-radius: 12px;
      background: var(--sl-track);
      border: 1px solid var(--sl-border);
      position: relative;
      transition: background 0.15s;
    }
    .track::after {
      content: '';
      position: absolute;
      top: 2px;
      left: 2px;
      width: 18px;
      height: 18px;
      border-radius: 50%;
      background: var(--sl-text-2);
      transition: transform 0.15s;
    }
    input:checked + .track {
      background: var(--sl-good);
    }
    input:checked + .track::after {
      transform: translateX(20px);
      background: #fff;
    }
    input:disabled + .track {
      opacity: 0.5;
    }
    @media (prefers-reduced-motion: reduce) {
      .track,
      .track::after {
        transition: none;
      }
    }
    @media (max-width: 900px) {
      .steps {
        grid-template-columns: minmax(0, 1fr);
      }
    }
  `;
}

customElements.define('sl-mode-steps', SlModeSteps);

declare global {
  interface HTMLElementTagNameMap {
    'sl-mode-steps': SlModeSteps;
  }
}
