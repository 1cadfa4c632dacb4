import type { AuthSession } from '@sightline/protocol';
import { css, html, LitElement, nothing } from 'lit';

/**
 * Who the page is signed in as, by the hub's word (name and role), with sign-out; an anonymous viewer (a hub that
 * lets requests without a token read) gets a way to sign in for more. Fires `sign-out` and `sign-in-request`.
 */
export class SlAccount extends LitElement {
  static override properties = { session: { attribute: false } };

  declare session: AuthSession | undefined;

  constructor() {
    super();
    this.session = undefined;
  }

  #fire(name: string) {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
  }

  override render() {
    const s = this.session;
    if (!s) return nothing;
    const anonymous = s.token === '';
    return html`<span class="who" data-role=${s.role}
        ><span class="name">${anonymous ? 'Not signed in' : s.name}</span> <span class="role">${s.role}</span></span
      >${
        anonymous
          ? html`<button type="button" @click=${() => this.#fire('sign-in-request')}>Sign in</button>`
          : html`<button type="button" @click=${() => this.#fire('sign-out')}>Sign out</button>`
      }`;
  }

  static override styles = css`
    :host {
      display: flex;
      align-items: center;
      gap: 8px;
      font-size: 0.85rem;
    }
    .who {
      color: var(--sl-text-2);
      white-space: nowrap;
    }
    .role {
      padding: 1px 6px;
      border: 1px solid var(--sl-border);
      border-radius: 999px;
      color: var(--sl-text);
    }
    button {
      font: inherit;
      padding: 4px 10px;
      border-radius: 6px;
      border: 1px solid var(--sl-border);
      background: transparent;
      color: var(--sl-text);
      cursor: pointer;
    }
    button:hover {
      background: var(--sl-track);
    }
    button:focus-visible {
      outline: 2px solid var(--sl-accent);
      outline-offset: 1px;
    }
  `;
}

customElements.define('sl-account', SlAccount);

declare global {
  interface HTMLElementTagNameMap {
    'sl-account': SlAccount;
  }
}
