import type { RegistryEntry, RolloutSpecInput } from '@sightline/protocol';
import { css, html, LitElement, nothing } from 'lit';

/** Stage plans an engineer picks from; the API and CLI take any. */
export const STAGE_PLANS: Record<string, { label: string; stages: RolloutSpecInput['stages'] }> = {
  staged: {
    label: 'shadow (500 frames) → canary 10 % → 50 % → fleet',
    stages: [
      { kind: 'shadow', share: 1, frames: 500 },
      { kind: 'canary', share: 0.1, frames: 500 },
      { kind: 'wave', share: 0.5 },
      { kind: 'wave', share: 1 },
    ],
  },
  shadow: {
    label: 'shadow only (500 frames), then stop',
    stages: [{ kind: 'shadow', share: 1, frames: 500 }],
  },
  fleet: { label: 'straight to the fleet', stages: [{ kind: 'wave', share: 1 }] },
};

/** Starts a rollout of one registered model: targets, a stage plan, the agreement gate. Emits `start-rollout`. */
export class SlRolloutForm extends LitElement {
  static override properties = { model: { attribute: false } };

  declare model: RegistryEntry | undefined;

  constructor() {
    super();
    this.model = undefined;
  }

  #submit(e: SubmitEvent) {
    e.preventDefault();
    const m = this.model;
    if (!m) return;
    const form = new FormData(e.target as HTMLFormElement);
    const list = (k: string) =>
      String(form.get(k) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    const lines = list('lines');
    const spec: RolloutSpecInput = {
      model: { id: m.id, version: m.version },
      targets: lines.length ? { lines } : {},
      stages: STAGE_PLANS[String(form.get('plan'))]?.stages,
      gates: { minAgreement: Number(form.get('agreement')) / 100 },
    };
    this.dispatchEvent(new CustomEvent('start-rollout', { detail: spec, bubbles: true, composed: true }));
  }

  override render() {
    const m = this.model;
    if (!m) return nothing;
    return html`<form @submit=${this.#submit} aria-label="Start a rollout">
      <strong>Roll out ${m.id} ${m.version}</strong>
      <label>Lines <input name="lines" placeholder="all lines (or line-1, line-2)" /></label>
      <label>Stages <select name="plan">${Object.entries(STAGE_PLANS).map(([k, p]) => html`<option value=${k}>${p.label}</option>`)}</select></label>
      <label>Min. agreement % <input name="agreement" type="number" min="50" max="100" step="0.1" value="95" /></label>
      <button type="submit">Start rollout</button>
      <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('close-form', { bubbles: true, composed: true }))}>Close</button>
    </form>`;
  }

  static override styles = css`
    form {
      display: flex;
      flex-wrap: wrap;
      gap: 10px 18px;
      align-items: center;
      padding: 12px 14px;
      background: var(--sl-card, #1b2128);
      border: 1px solid var(--sl-accent, #4fb3bf);
      border-radius: 10px;
      font-size: 0.88rem;
    }
    label {
      display: flex;
      gap: 6px;
      align-items: center;
      color: var(--sl-text-2, #b8c0ca);
    }
    input,
    select,
    button {
      background: var(--sl-track, #242b34);
      color: var(--sl-text, #e6e9ed);
      border: 1px solid var(--sl-border, #2a323c);
      border-radius: 6px;
      padding: 4px 8px;
    }
    button[type='submit'] {
      border-color: var(--sl-accent, #4fb3bf);
      cursor: pointer;
    }
  `;
}

customElements.define('sl-rollout-form', SlRolloutForm);

declare global {
  interface HTMLElementTagNameMap {
    'sl-rollout-form': SlRolloutForm;
  }
}
