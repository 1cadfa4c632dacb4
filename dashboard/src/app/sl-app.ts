import { css, html, LitElement } from 'lit';
import type { AuthState } from '../api/auth.ts';
import { type Access, accessOf, NO_ACCESS } from '../api/permissions.ts';
import { signInCode } from '../api/sign-in.ts';
import type { AlarmsResponse } from '../api/types.ts';
import { LiveQueryController } from '../controllers/live-query-controller.ts';
import { TickerController } from '../controllers/ticker-controller.ts';
import type { HubLink } from '../live/hub-link.ts';
import type { Route } from '../model/route.ts';
import { createBrowserLink } from './create-link.ts';
import { createRouter, queryParam } from './router.ts';
import '../elements/sl-account.ts';
import '../elements/sl-health-pill.ts';
import '../elements/sl-nav.ts';
import '../elements/sl-sign-in.ts';
import '../views/sl-agents-view.ts';
import '../views/sl-alarms-view.ts';
import '../views/sl-fleet-view.ts';
import '../views/sl-gallery-view.ts';
import '../views/sl-line-view.ts';
import '../views/sl-models-view.ts';
import '../views/sl-roi-view.ts';

/** The shell: title, navigation, liveness, sign-in, and the page the URL names. */
export class SlApp extends LitElement {
  static override properties = { route: { state: true }, auth: { state: true } };

  declare route: Route;
  declare auth: AuthState;
  /** What the signed-in role may change, made anew with each auth state so views with controls re-render. */
  #access: Access = NO_ACCESS;

  readonly link: HubLink = createBrowserLink(queryParam('window') ?? '5m');
  readonly #router = createRouter((route) => {
    this.route = route;
  });
  /** Alarms not yet acknowledged, for the count beside "Alarms". */
  readonly #alarms = new LiveQueryController<AlarmsResponse>(this, {
    link: () => this.link,
    load: (link, signal) => link.api.quality.alarms('active', signal),
    watch: (link, stale) => link.live.on('alarm', () => stale()),
    throttleMs: 500,
    everyMs: 30_000,
  });
  #offAuth: (() => void) | undefined;
  #offLink: (() => void) | undefined;

  constructor() {
    super();
    this.route = this.#router.current();
    this.auth = this.link.auth.state;
    new TickerController(this, 1_000);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#router.start();
    this.#offAuth = this.link.auth.onChange((s) => {
      this.auth = s;
    });
    this.#offLink = this.link.onChange(() => this.requestUpdate());
    this.link.start();
    window.addEventListener('hashchange', this.#onHash);
  }

  /** A sign-in link opened on the page already showing (only its hash changes): redeem it as at load. */
  #onHash = () => {
    if (signInCode(location.hash)) void this.link.signIn.start({ location, history: window.history });
  };

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#router.stop();
    window.removeEventListener('hashchange', this.#onHash);
    this.#offAuth?.();
    this.#offLink?.();
    this.link.close();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('auth')) this.#access = accessOf(this.auth);
  }

  #page() {
    const r = this.route;
    const access = this.#access;
    switch (r.page) {
      case 'fleet':
        return html`<sl-fleet-view .link=${this.link}></sl-fleet-view>`;
      case 'line':
        return html`<sl-line-view .link=${this.link} .site=${r.site} .line=${r.line}></sl-line-view>`;
      case 'agents':
        return html`<sl-agents-view .link=${this.link}></sl-agents-view>`;
      case 'roi':
        return html`<sl-roi-view .link=${this.link} .access=${access}></sl-roi-view>`;
      case 'gallery':
        return html`<sl-gallery-view .link=${this.link} .access=${access}></sl-gallery-view>`;
      case 'alarms':
        return html`<sl-alarms-view .link=${this.link} .access=${access}></sl-alarms-view>`;
      case 'models':
        return html`<sl-models-view .link=${this.link} .access=${access}></sl-models-view>`;
      case 'not-found':
        return html`<section class="state" role="alert">
          <h2>No page at ${r.path}</h2>
          <p><a href="/">Back to the fleet</a></p>
        </section>`;
      default:
        return html`<section class="state"><h2>Not available yet</h2></section>`;
    }
  }

  /**
   * The page by URL, once the hub has said who this is; with a kept token it loads meanwhile (a refused one shows
   * the form), and controls wait for the role. Without a token, nothing asks the hub until the sign-in settles.
   */
  #main() {
    switch (this.auth.kind) {
      case 'checking':
        return this.link.auth.token()
          ? this.#page()
          : html`<section class="state" aria-busy="true"><h2>Signing in…</h2></section>`;
      case 'required':
        return html`<sl-sign-in .reason=${this.auth.reason}
          @sign-in=${(e: CustomEvent<string>) => void this.link.signIn.withToken(e.detail)}></sl-sign-in>`;
      default:
        return this.#page();
    }
  }

  override render() {
    const liveness = this.link.liveness();
    return html`
      <header>
        <a class="brand" href="/" aria-label="Sightline, fleet overview">
          <svg class="mark" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2" />
            <circle cx="12" cy="12" r="3" fill="currentColor" />
          </svg>
          <h1>Sightline</h1>
        </a>
        <sl-nav .page=${this.route.page} .alarms=${this.#alarms.value?.alarms.length ?? 0}></sl-nav>
        <sl-health-pill .liveness=${liveness} .now=${Date.now()}></sl-health-pill>
        <sl-account .session=${this.auth.kind === 'signed-in' ? this.auth.session : undefined}
          @sign-out=${() => void this.link.signIn.signOut()}
          @sign-in-request=${() => this.link.auth.required('Sign in with your API token or a sign-in link.')}></sl-account>
      </header>
      <main>${this.#main()}</main>
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
      gap: 10px 24px;
      padding: 10px 28px;
      border-bottom: 1px solid var(--sl-border);
      background: var(--sl-header);
      position: sticky;
      top: 0;
      z-index: 10;
    }
    .brand {
      display: flex;
      align-items: center;
      gap: 10px;
      color: inherit;
      text-decoration: none;
    }
    .mark {
      width: 22px;
      height: 22px;
      color: var(--sl-accent);
    }
    h1 {
      margin: 0;
      font-size: 1.15rem;
      font-weight: 650;
      letter-spacing: 0.04em;
    }
    sl-nav {
      margin-right: auto;
    }
    main {
      max-width: 1480px;
      margin: 0 auto;
      padding: 20px 28px 48px;
    }
    .state {
      padding: 48px 24px;
      border: 1px dashed var(--sl-border);
      border-radius: 8px;
      text-align: center;
    }
    a {
      color: var(--sl-accent);
    }
    @media (max-width: 720px) {
      header {
        padding: 8px 14px;
        gap: 8px 12px;
      }
      main {
        padding: 14px 12px 40px;
      }
    }
    @media print {
      header {
        position: static;
      }
      sl-nav,
      sl-health-pill,
      sl-account {
        display: none;
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
