import { css, html, LitElement } from 'lit';
import { fetchHealth } from '../api/client.ts';
import { type HealthResponse, type TimeWindow, WINDOWS } from '../api/types.ts';
import { PollController } from '../controllers/poll-controller.ts';
import '../elements/sl-health-pill.ts';
import '../elements/sl-window-select.ts';
import '../views/sl-fleet-view.ts';
import '../views/sl-models-view.ts';

type Page = 'fleet' | 'models';
const pageOf = (): Page => (location.hash.startsWith('#/models') ? 'models' : 'fleet');
/**
 * Who may act: engineers and admins start, promote, cancel and roll back rollouts. Until the hub checks tokens
 * (issue 11) every visitor is treated as an engineer; `?role=viewer` shows the read-only page.
 */
const roleOf = () => new URLSearchParams(location.search).get('role') ?? 'engineer';

function initialWindow(): TimeWindow {
  const asked = new URLSearchParams(location.search).get('window');
  return (WINDOWS as readonly string[]).includes(asked ?? '') ? (asked as TimeWindow) : '5m';
}

/** The shell: title, fleet health, window choice (kept in the URL), and the fleet view. */
export class SlApp extends LitElement {
  static override properties = { window: { state: true }, page: { state: true } };

  declare window: TimeWindow;
  declare page: Page;
  readonly #onHash = () => {
    this.page = pageOf();
  };

  readonly #health = new PollController<HealthResponse>(this, {
    load: (signal) => fetchHealth(signal),
    intervalMs: 3_000,
  });

  constructor() {
    super();
    this.window = initialWindow();
    this.page = pageOf();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('hashchange', this.#onHash);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('hashchange', this.#onHash);
  }

  #onWindow(event: CustomEvent<TimeWindow>): void {
    this.window = event.detail;
    const url = new URL(location.href);
    url.searchParams.set('window', event.detail);
    history.replaceState(null, '', url);
  }

  override render() {
    return html`
      <header>
        <div class="brand">
          <svg class="mark" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2" />
            <circle cx="12" cy="12" r="3" fill="currentColor" />
          </svg>
          <h1>Sightline</h1>
          <span class="subtitle">Fleet quality</span>
        </div>
        <nav>
          <a href="#/" aria-current=${this.page === 'fleet' ? 'page' : 'false'}>Lines</a>
          <a href="#/models" aria-current=${this.page === 'models' ? 'page' : 'false'}>Models</a>
        </nav>
        <sl-health-pill .health=${this.#health.value} .error=${this.#health.error}></sl-health-pill>
        ${this.page === 'fleet' ? html`<sl-window-select .value=${this.window} @window-change=${this.#onWindow}></sl-window-select>` : ''}
      </header>
      <main>
        ${
          this.page === 'models'
            ? html`<sl-models-view ?engineer=${['engineer', 'admin'].includes(roleOf())}></sl-models-view>`
            : html`<sl-fleet-view .window=${this.window}></sl-fleet-view>`
        }
      </main>
    `;
  }

  static override styles = css`
    :host {
      display: block;
      min-height: 100vh;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px 24px;
      padding: 14px 28px;
      border-bottom: 1px solid var(--sl-border, #2a323c);
      background: var(--sl-header, #171b21);
    }
    .brand {
      display: flex;
      align-items: center;
      gap: 10px;
      margin-right: auto;
    }
    .mark {
      width: 22px;
      height: 22px;
      color: var(--sl-accent, #4fb3bf);
    }
    h1 {
      margin: 0;
      font-size: 1.15rem;
      font-weight: 650;
      letter-spacing: 0.04em;
    }
    .subtitle {
      padding-left: 10px;
      border-left: 1px solid var(--sl-border, #2a323c);
      color: var(--sl-muted, #8b96a3);
      font-size: 0.9rem;
    }
    nav {
      display: flex;
      gap: 4px;
    }
    nav a {
      color: var(--sl-muted, #8b96a3);
      text-decoration: none;
      padding: 5px 12px;
      border-radius: 6px;
      font-size: 0.9rem;
    }
    nav a[aria-current='page'] {
      color: var(--sl-text, #e6e9ed);
      background: var(--sl-track, #242b34);
    }
    main {
      max-width: 1400px;
      margin: 0 auto;
      padding: 24px 28px 48px;
    }
    @media (max-width: 640px) {
      header,
      main {
        padding-left: 16px;
        padding-right: 16px;
      }
    }
  `;
}

customElements.define('sl-app', SlApp);

declare global {
  interface HTMLElementTagNameMap {
    'sl-app': SlApp;
  }
}
