import { css, html, LitElement, nothing } from 'lit';
import { CHANGES, type Permit } from '../api/permissions.ts';

/**
 * Where a control would be for a higher role: a short note of which role makes this change. Nothing for those who
 * may (the control shows) or before the hub has said who this is. Carries the change, its routes and role as data
 * attributes, so tests can hold them against the hub's route docs.
 */
export class SlRoleNote extends LitElement {
  static override properties = { permit: { attribute: false } };

  declare permit: Permit | undefined;

  constructor() {
    super();
    this.permit = undefined;
  }

  override render() {
    const p = this.permit;
    if (!p?.note) return nothing;
    return html`<p data-change=${p.change} data-role=${p.role} data-routes=${CHANGES[p.change].routes.join(', ')}>
      <svg viewBox="0 0 16 16" aria-hidden="true"><rect x="3" y="7" width="10" height="7" rx="1.5" /><path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" /></svg>${p.note}
    </p>`;
  }

  static override styles = css`
    :host {
      display: block;
    }
    p {
      margin: 0;
      display: flex;
      gap: 6px;
      align-items: baseline;
      font-size: 0.85rem;
      color: var(--sl-muted);
    }
    svg {
      flex: none;
      width: 0.85em;
      height: 0.85em;
      fill: none;
      stroke: currentColor;
      stroke-width: 1.5;
      transform: translateY(1px);
    }
    @media print {
      p {
        display: none;
      }
    }
  `;
}

customElements.define('sl-role-note', SlRoleNote);

declare global {
  interface HTMLElementTagNameMap {
    'sl-role-note': SlRoleNote;
  }
}
