import { css, html, LitElement } from 'lit';

/** Shown when the hub answers 401 (or on request): asks for an API token and fires `sign-in` with it. */
export class SlSignIn extends LitElement {
  static override properties = { reason: { type: String } };

  declare reason: string;

  constructor() {
    super();
    this.reason = '';
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector('input');
    if (!input?.value.trim()) return;
    this.dispatchEvent(
      new CustomEvent('sign-in', { detail: input.value.trim(), bubbles: true, composed: true }),
    );
  }

  override render() {
    return html`<form role="dialog" aria-labelledby="t" @submit=${this.#submit}>
      <h2 id="t">Sign in to the hub</h2>
      <p>${this.reason || 'The hub asks for an API token.'}</p>
      <p>Open the sign-in link you were given, or paste an API token (<code>sightline-hub tokens add</code>); ask
        your administrator for either.</p>
      <label>API token <input type="password" autocomplete="current-password" required /></label>
      <button type="submit">Sign in</button>
    </form>`;
  }

  static override styles = css`
    form {
      max-width: 520px;
      margin: 16px auto;
      padding: 16px 20px;
      border: 1px solid var(--sl-warn);
      border-radius: 8px;
      background: var(--sl-card);
      display: grid;
      gap: 10px;
    }
    h2 {
      margin: 0;
      font-size: 1.05rem;
    }
    p {
      margin: 0;
      color: var(--sl-text-2);
    }
    code {
      font-size: 0.9em;
    }
    label {
      display: grid;
      gap: 4px;
      font-size: 0.85rem;
      color: var(--sl-muted);
    }
    input,
    button {
      font: inherit;
      padding: 8px 10px;
      border-radius: 6px;
      border: 1px solid var(--sl-border);
      background: var(--sl-bg);
      color: var(--sl-text);
    }
    button {
      justify-self: start;
      background: var(--sl-accent);
      color: #001;
      font-weight: 600;
      cursor: pointer;
    }
  `;
}

customElements.define('sl-sign-in', SlSignIn);

declare global {
  interface HTMLElementTagNameMap {
    'sl-sign-in': SlSignIn;
  }
}
