import type { Rollout, RolloutAgent } from '@sightline/protocol';
import { css, html, LitElement, nothing } from 'lit';
import { type Access, NO_ACCESS } from '../api/permissions.ts';
import type { RolloutAction } from '../api/rollout-client.ts';
import { formatPercent } from '../format/format.ts';
import './sl-shadow-compare.ts';

const RUNNING = new Set(['deploying', 'observing']);
const TONE: Record<string, string> = {
  active: 'good',
  probation: 'good',
  shadow: 'accent',
  failed: 'bad',
  refused: 'bad',
  'rolled-back': 'bad',
  'timed-out': 'warn',
  offline: 'warn',
};

function progress(a: RolloutAgent) {
  const share =
    a.progress === 'downloading' && a.progress_share !== null ? ` ${formatPercent(a.progress_share)}` : '';
  return html`<span class="chip ${TONE[a.progress] ?? ''}" title=${a.error ?? ''}>${a.progress}${share}</span>`;
}

/**
 * One rollout: its stages (the current one marked), each agent's progress, the gates read so far, the shadow
 * comparison summed over its agents, and — for a role that may (`access`) — promote, cancel and roll back. Actions are
 * announced as `rollout-action` events; the view calls the hub.
 */
export class SlRolloutCard extends LitElement {
  static override properties = {
    rollout: { attribute: false },
    access: { attribute: false },
    manifestThreshold: { type: Number },
  };

  declare rollout: Rollout | undefined;
  declare access: Access;
  /** The model's own default threshold (from the registry), until the rollout sets one. */
  declare manifestThreshold: number | undefined;

  constructor() {
    super();
    this.rollout = undefined;
    this.access = NO_ACCESS;
    this.manifestThreshold = undefined;
  }

  #setThreshold(e: SubmitEvent) {
    e.preventDefault();
    const value = Number(new FormData(e.target as HTMLFormElement).get('defect'));
    if (!Number.isFinite(value)) return;
    this.dispatchEvent(
      new CustomEvent('rollout-thresholds', {
        detail: { id: this.rollout?.id, defect: value },
        bubbles: true,
        composed: true,
      }),
    );
  }

  #act(action: RolloutAction) {
    if (
      action !== 'promote' &&
      !confirm(
        `${action === 'cancel' ? 'Cancel' : 'Roll back'} rollout ${this.rollout?.id}? Its agents go back to the model they ran before.`,
      )
    )
      return;
    this.dispatchEvent(
      new CustomEvent('rollout-action', {
        detail: { id: this.rollout?.id, action },
        bubbles: true,
        composed: true,
      }),
    );
  }

  override render() {
    const r = this.rollout;
    if (!r) return nothing;
    const running = RUNNING.has(r.state);
    const mayAct = this.access.permit('rollout-action').may;
    const compares = r.agents.flatMap((a) => (a.compare && a.compare.frames > 0 ? [a.compare] : []));
    return html`<article data-rollout=${r.id} data-state=${r.state}>
      <header>
        <h3>${r.model.id} <strong>${r.model.version}</strong></h3>
        <span class="chip state ${r.state}">${r.state}</span>
        <span class="muted">${r.id} · ${new Date(r.created_ts).toLocaleString()}</span>
        ${
          mayAct
            ? html`<span class="actions">
                ${running ? html`<button @click=${() => this.#act('promote')}>Promote</button><button @click=${() => this.#act('cancel')}>Cancel</button>` : nothing}
                ${r.state === 'completed' ? html`<button @click=${() => this.#act('rollback')}>Roll back</button>` : nothing}
              </span>`
            : nothing
        }
      </header>
      ${r.reason ? html`<p class="reason">${r.reason}</p>` : nothing}
      <ol class="stages">
        ${r.spec.stages.map(
          (
            s,
            i,
          ) => html`<li class=${i < r.stage || r.state === 'completed' ? 'done' : i === r.stage ? 'now' : ''}>
            ${s.kind} ${formatPercent(s.share)}${s.frames ? ` · ${s.frames} frames` : ''}${s.minutes ? ` · ${s.minutes} min` : ''}
          </li>`,
        )}
      </ol>
      ${r.gates.map(
        (g) => html`<p class="gates">Stage ${g.stage + 1} gates:
          ${g.results.map((x) => html`<span class=${x.passed ? 'pass' : 'fail'}>${x.gate.replaceAll('_', ' ')} ${x.value === null ? 'n/a' : x.value.toFixed(3)} (${x.limit})</span>`)}
        </p>`,
      )}
      <table>
        <thead><tr><th>agent</th><th>stage</th><th>progress</th><th>compared</th><th>agreement</th></tr></thead>
        <tbody>
          ${r.agents.map(
            (a) => html`<tr data-agent=${a.agent}>
              <td>${a.site}/${a.line}/<strong>${a.agent}</strong></td>
              <td>${a.stage + 1}</td>
              <td>${progress(a)}${a.code ? html` <span class="code">${a.code}</span>` : nothing}</td>
              <td>${a.compare?.frames ?? '–'}</td>
              <td>${a.compare?.frames ? formatPercent(a.compare.agree / a.compare.frames) : '–'}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <h4>Shadow comparison</h4>
      <sl-shadow-compare .compares=${compares} .threshold=${r.spec.thresholds?.defect ?? this.manifestThreshold} baseline="before" candidate=${r.model.version}>
        ${
          mayAct && running
            ? html`<form slot="threshold" class="thr" @submit=${this.#setThreshold}>
                <label>Threshold of ${r.model.version} <input name="defect" type="number" min="0" max="1" step="0.001" .value=${String(r.spec.thresholds?.defect ?? this.manifestThreshold ?? '')} /></label>
                <button type="submit">Set</button>
              </form>`
            : nothing
        }
      </sl-shadow-compare>
    </article>`;
  }

  static override styles = css`
    article {
      background: var(--sl-card, #1b2128);
      border: 1px solid var(--sl-border, #2a323c);
      border-radius: 10px;
      padding: 16px 18px;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 14px;
      align-items: center;
    }
    h3 {
      margin: 0;
      font-size: 1.05rem;
      font-weight: 500;
    }
    h4 {
      margin: 16px 0 8px;
      font-size: 0.85rem;
      color: var(--sl-text-2, #b8c0ca);
    }
    .actions {
      margin-left: auto;
      display: flex;
      gap: 8px;
    }
    button {
      background: var(--sl-track, #242b34);
      color: var(--sl-text, #e6e9ed);
      border: 1px solid var(--sl-border, #2a323c);
      border-radius: 6px;
      padding: 5px 12px;
      cursor: pointer;
    }
    button:hover {
      border-color: var(--sl-accent, #4fb3bf);
    }
    .muted,
    .code {
      color: var(--sl-muted, #8792a0);
      font-size: 0.8rem;
    }
    .thr {
      display: flex;
      gap: 8px;
      align-items: center;
      margin-top: 8px;
      font-size: 0.85rem;
      color: var(--sl-text-2, #b8c0ca);
    }
    .thr input {
      width: 80px;
      background: var(--sl-track, #242b34);
      color: var(--sl-text, #e6e9ed);
      border: 1px solid var(--sl-border, #2a323c);
      border-radius: 6px;
      padding: 3px 6px;
    }
    .reason {
      margin: 8px 0 0;
      color: var(--sl-text-2, #b8c0ca);
    }
    .stages {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      list-style: none;
      padding: 0;
      margin: 12px 0;
    }
    .stages li {
      padding: 3px 10px;
      border-radius: 12px;
      background: var(--sl-track, #242b34);
      font-size: 0.8rem;
      color: var(--sl-muted, #8792a0);
    }
    .stages li.done {
      color: var(--sl-good, #5bbf8a);
    }
    .stages li.now {
      color: var(--sl-text, #e6e9ed);
      outline: 1px solid var(--sl-accent, #4fb3bf);
    }
    .gates {
      font-size: 0.8rem;
      margin: 4px 0;
      display: flex;
      flex-wrap: wrap;
      gap: 4px 12px;
    }
    .pass {
      color: var(--sl-good, #5bbf8a);
    }
    .fail {
      color: var(--sl-bad, #e5645b);
      font-weight: 600;
    }
    table {
      width: 100%;
      border-collapse: collapse;
      font-size: 0.85rem;
      font-variant-numeric: tabular-nums;
    }
    th {
      text-align: left;
      color: var(--sl-muted, #8792a0);
      font-weight: 500;
      padding: 4px 6px;
    }
    td {
      padding: 4px 6px;
      border-top: 1px solid var(--sl-border, #2a323c);
    }
    .chip {
      padding: 1px 8px;
      border-radius: 10px;
      background: var(--sl-track, #242b34);
      font-size: 0.8rem;
    }
    .good,
    .completed {
      color: var(--sl-good, #5bbf8a);
    }
    .accent,
    .observing,
    .deploying {
      color: var(--sl-accent, #4fb3bf);
    }
    .warn {
      color: var(--sl-warn, #e0a93b);
    }
    .bad,
    .rolled-back,
    .rolling-back,
    .failed {
      color: var(--sl-bad, #e5645b);
    }
  `;
}

customElements.define('sl-rollout-card', SlRolloutCard);

declare global {
  interface HTMLElementTagNameMap {
    'sl-rollout-card': SlRolloutCard;
  }
}
