import { css, html, LitElement } from 'lit';
import type { PageName } from '../model/route.ts';

const PAGES: ReadonlyArray<{ page: PageName; href: string; label: string }> = [
  { page: 'fleet', href: '/', label: 'Fleet' },
  { page: 'agents', href: '/agents', label: 'Agents' },
  { page: 'gallery', href: '/gallery', label: 'Defects' },
  { page: 'roi', href: '/roi', label: 'ROI' },
  { page: 'alarms', href: '/alarms', label: 'Alarms' },
  { page: 'models', href: '/models', label: 'Models' },
];

/** The main navigation; the current page is marked for people and screen readers alike. */
export class SlNav extends LitElement {
  static override properties = { page: { type: String }, alarms: { type: Number } };

  declare page: PageName;
  /** Active alarms, shown as a count beside "Alarms". */
  declare alarms: number;

  constructor() {
    super();
    this.page = 'fleet';
    this.alarms = 0;
  }

  override render() {
    const current = this.page === 'line' ? 'fleet' : this.page;
    return html`<nav aria-label="Main">
      ${PAGES.map(
        (p) => html`<a href=${p.href} aria-current=${p.page === current ? 'page' : 'false'}
          >${p.label}${p.page === 'alarms' && this.alarms > 0 ? html`<span class="count" aria-label=${`${this.alarms} active`}>${this.alarms}</span>` : ''}</a
        >`,
      )}
    </nav>`;
  }

  static override styles = css`
    nav {
      display: flex;
      gap: 2px;
      overflow-x: auto;
      scrollbar-width: none;
    }
    a {
      padding: 6px 12px;
      border-radius: 6px;
      color: var(--sl-text-2);
      text-decoration: none;
      font-size: 0.92rem;
      white-space: nowrap;
    }
    a:hover {
      color: var(--sl-text);
      background: var(--sl-track);
    }
    a[aria-current='page'] {
      color: var(--sl-text);
      background: var(--sl-track);
      box-shadow: inset 0 -2px 0 var(--sl-accent);
    }
    a:focus-visible {
      outline: 2px solid var(--sl-accent);
      outline-offset: 1px;
    }
    .count {
      display: inline-block;
      min-width: 1.2em;
      margin-left: 6px;
      padding: 0 5px;
      border-radius: 999px;
      background: var(--sl-bad);
      color: #000;
      font-size: 0.78rem;
      font-weight: 700;
      text-align: center;
    }
    @media (max-width: 480px) {
      a {
        padding: 6px 8px;
      }
    }
  `;
}

customElements.define('sl-nav', SlNav);

declare global {
  interface HTMLElementTagNameMap {
    'sl-nav': SlNav;
  }
}
