import type {
  FleetModelsResponse,
  RegistryEntry,
  RegistryResponse,
  RolloutSpecInput,
  RolloutsResponse,
} from '@sightline/protocol';
import { css, html, LitElement, nothing } from 'lit';
import { type Access, NO_ACCESS } from '../api/permissions.ts';
import type { RolloutAction } from '../api/rollout-client.ts';
import { LiveQueryController } from '../controllers/live-query-controller.ts';
import type { HubLink } from '../live/hub-link.ts';
import '../elements/sl-registry-table.ts';
import '../elements/sl-rollout-card.ts';
import '../elements/sl-role-note.ts';
import '../elements/sl-rollout-form.ts';
import '../elements/sl-version-mix.ts';

/**
 * Models and rollouts: the fleet's version mix, the registry (upload, roll out), and rollouts with per-agent
 * progress and their shadow comparison. `access` (the signed-in role as the hub reports it) shows the controls to
 * those who may; everyone sees the state, others a note of the role that changes it, and the hub refuses changes from lower roles whatever the page shows.
 */
export class SlModelsView extends LitElement {
  static override properties = {
    link: { attribute: false },
    access: { attribute: false },
    form: { state: true },
    notice: { state: true },
  };

  declare link: HubLink | undefined;
  declare access: Access;
  declare form: RegistryEntry | undefined;
  declare notice: { text: string; bad: boolean } | undefined;

  // Model changes reach the stream as agent updates; rollouts and the registry have no event of their own, so
  // they are re-read on a short period while the page is open.
  readonly #fleet = new LiveQueryController<FleetModelsResponse>(this, {
    link: () => this.link,
    load: (link, signal) => link.api.rollout.fleetModels(signal),
    watch: (link, stale) => link.live.on('agent', () => stale()),
    throttleMs: 1_000,
    everyMs: 5_000,
  });
  readonly #registry = new LiveQueryController<RegistryResponse>(this, {
    link: () => this.link,
    load: (link, signal) => link.api.rollout.registry(signal),
    everyMs: 10_000,
  });
  readonly #rollouts = new LiveQueryController<RolloutsResponse>(this, {
    link: () => this.link,
    load: (link, signal) => link.api.rollout.rollouts(signal),
    throttleMs: 1_500,
    everyMs: 1_500,
  });

  constructor() {
    super();
    this.link = undefined;
    this.access = NO_ACCESS;
    this.form = undefined;
    this.notice = undefined;
  }

  get #api() {
    if (!this.link) throw new Error('the page is not connected to the hub');
    return this.link.api.rollout;
  }

  async #run(what: string, job: () => Promise<unknown>) {
    try {
      await job();
      this.notice = { text: what, bad: false };
    } catch (err) {
      this.notice = { text: `${what} failed: ${(err as Error).message}`, bad: true };
    }
    await Promise.all([this.#registry.reload(), this.#rollouts.reload(), this.#fleet.reload()]);
  }

  #onUpload = (e: CustomEvent<File>) =>
    this.#run(`Uploaded ${e.detail.name}`, async () => {
      const entry = await this.#api.upload(e.detail);
      if (entry.status !== 'ready') throw new Error(entry.reason ?? 'rejected');
    });
  #onStart = (e: CustomEvent<RolloutSpecInput>) =>
    this.#run(`Rollout of ${e.detail.model.version} started`, async () => {
      await this.#api.start(e.detail);
      this.form = undefined;
    });
  #onThresholds = (e: CustomEvent<{ id: string; defect: number }>) =>
    this.#run(`Threshold ${e.detail.defect} set`, () =>
      this.#api.thresholds(
        e.detail.id,
        e.detail.defect,
        'chosen from the shadow comparison on the dashboard',
      ),
    );
  #onAction = (e: CustomEvent<{ id: string; action: RolloutAction }>) =>
    this.#run(`${e.detail.action} ${e.detail.id}`, () => this.#api.act(e.detail.id, e.detail.action));

  override render() {
    const fleet = this.#fleet.value;
    const rollouts = this.#rollouts.value?.rollouts ?? [];
    const error = this.#fleet.error ?? this.#registry.error ?? this.#rollouts.error;
    return html`
      ${this.notice ? html`<p class="notice ${this.notice.bad ? 'bad' : ''}" role="status">${this.notice.text}</p>` : nothing}
      ${error ? html`<p class="notice bad" role="alert">${error.message}</p>` : nothing}
      <section aria-labelledby="mix">
        <h2 id="mix">Fleet version mix</h2>
        ${fleet ? html`<sl-version-mix .mix=${fleet.mix}></sl-version-mix>` : html`<p class="muted">Loading…</p>`}
      </section>
      <section aria-labelledby="registry"
        @bundle-upload=${this.#onUpload}
        @roll-out=${(e: CustomEvent<RegistryEntry>) => {
          this.form = e.detail;
        }}>
        <h2 id="registry">Registry</h2>
        <sl-registry-table .models=${this.#registry.value?.models ?? []} .access=${this.access}></sl-registry-table>
        ${
          this.form
            ? html`<sl-rollout-form .model=${this.form} @start-rollout=${this.#onStart} @close-form=${() => {
                this.form = undefined;
              }}></sl-rollout-form>`
            : nothing
        }
      </section>
      <section aria-labelledby="rollouts" @rollout-action=${this.#onAction} @rollout-thresholds=${this.#onThresholds}>
        <h2 id="rollouts">Rollouts</h2>
        <sl-role-note .permit=${this.access.permit('rollout-action')}></sl-role-note>
        ${rollouts.length === 0 ? html`<p class="muted">No rollout yet.</p>` : nothing}
        ${rollouts.slice(0, 10).map((r) => {
          const entry = this.#registry.value?.models.find(
            (m) => m.id === r.model.id && m.version === r.model.version,
          );
          return html`<sl-rollout-card .rollout=${r} .access=${this.access} .manifestThreshold=${entry?.threshold}></sl-rollout-card>`;
        })}
      </section>
    `;
  }

  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      gap: 28px;
    }
    h2 {
      font-size: 0.95rem;
      font-weight: 600;
      margin: 0 0 12px;
      color: var(--sl-text-2, #b8c0ca);
      text-transform: uppercase;
      letter-spacing: 0.06em;
    }
    h2 + sl-role-note {
      margin: -4px 0 12px;
    }
    section > sl-rollout-card + sl-rollout-card {
      display: block;
      margin-top: 14px;
    }
    sl-rollout-form {
      display: block;
      margin-top: 12px;
    }
    .muted {
      color: var(--sl-muted, #8792a0);
    }
    .notice {
      margin: 0;
      padding: 8px 12px;
      border-radius: 8px;
      background: color-mix(in srgb, var(--sl-good, #5bbf8a) 15%, transparent);
    }
    .notice.bad {
      background: color-mix(in srgb, var(--sl-bad, #e5645b) 18%, transparent);
    }
  `;
}

customElements.define('sl-models-view', SlModelsView);

declare global {
  interface HTMLElementTagNameMap {
    'sl-models-view': SlModelsView;
  }
}
