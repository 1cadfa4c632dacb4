import { css, html, LitElement } from 'lit';
import type { LineStateName } from '../model/line-state.ts';

const LABEL: Record<LineStateName, string> = {
  running: 'Running',
  stale: 'Stale',
  offline: 'Offline',
  unknown: 'No agents',
};

/** Running / stale / offline as a word and a shape (not colour alone), with why in the tooltip. */
export class SlStateBadge extends LitElement {
  static override properties = { state: { type: String, reflect: true }, reason: { type: String } };

  declare state: LineStateName;
  declare reason: string;

  constructor() {
    super();
    this.state = 'unknown';
    this.reason = '';
  }

  override render() {
    return html`<span class="badge" title=${this.reason}
      ><span class="glyph" aria-hidden="true"></span><span class="label">${LABEL[this.state]}</span></span
    >`;
  }

  static override styles = css`
    :host {
      display: inline-flex;
      --tone: var(--sl-muted);
    }
    :host([state='running']) {
      --tone: var(--sl-good);
    }
    :host([state='stale']) {
      --tone: var(--sl-warn);
    }
    :host([state='offline']) {
      --tone: var(--sl-bad);
    }
    .badge {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      padding: 2px 9px 2px 7px;
      border-radius: 999px;
      border: 1px solid var(--tone);
      color: var(--sl-text);
      background: color-mix(in srgb, var(--tone) 16%, transparent);
      font-size: 0.78rem;
      font-weight: 600;
      letter-spacing: 0.02em;
      white-space: nowrap;
    }
    .glyph {
      width: 8px;
      height: 8px;
      background: var(--tone);
      border-radius: 50%;
    }
    :host([state='stale']) .glyph {
      border-radius: 0;
      transform: rotate(45deg);
      width: 7px;
      height: 7px;
    }
    :host([state='offline']) .glyph {
      border-radius: 1px;
    }
    :host([state='running']) .glyph {
      animation: pulse 2s ease-in-out infinite;
    }
    @keyframes pulse {
      50% {
        opacity: 0.35;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      :host([state='running']) .glyph {
        animation: none;
      }
    }
  `;
}

customElements.define('sl-state-badge', SlStateBadge);

declare global {
  interface HTMLElementTagNameMap {
    'sl-state-badge': SlStateBadge;
  }
}
