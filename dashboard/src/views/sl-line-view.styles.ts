import { css } from 'lit';
import { bannerStyles } from '../styles/shared.ts';

export const lineViewStyles = [
  bannerStyles,
  css`
  :host {
    display: grid;
    gap: 14px;
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 14px;
  }
  .back {
    color: var(--sl-accent);
    text-decoration: none;
    font-size: 0.9rem;
  }
  h2 {
    margin: 0;
    font-size: 1.35rem;
    font-weight: 650;
  }
  .site,
  .k {
    font-size: 0.72rem;
    text-transform: uppercase;
    letter-spacing: 0.08em;
    color: var(--sl-muted);
    font-weight: 500;
  }
  .why,
  .model {
    font-size: 0.85rem;
    color: var(--sl-text-2);
  }
  .body {
    display: grid;
    gap: 14px;
  }
  .body[aria-busy='true'] {
    opacity: 0.6;
  }
  .strip {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(130px, 1fr));
    gap: 10px;
  }
  .strip > div {
    display: grid;
    gap: 2px;
    padding: 10px 12px;
    border: 1px solid var(--sl-border);
    border-radius: 8px;
    background: var(--sl-card);
  }
  .v {
    font-size: 1.25rem;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  .v.bad {
    color: var(--sl-bad);
  }
  .card {
    padding: 14px 16px;
    border: 1px solid var(--sl-border);
    border-radius: 8px;
    background: var(--sl-card);
    min-width: 0;
  }
  .card-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
    margin-bottom: 8px;
  }
  h3 {
    margin: 0;
    font-size: 0.95rem;
    font-weight: 600;
  }
  .multiples {
    display: grid;
    grid-template-columns: repeat(2, minmax(0, 1fr));
    gap: 14px 22px;
    padding: 14px 16px;
    border: 1px solid var(--sl-border);
    border-radius: 8px;
    background: var(--sl-card);
  }
  .pair {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(320px, 1fr));
    gap: 14px;
  }
  .empty {
    color: var(--sl-muted);
  }
  a {
    color: var(--sl-accent);
  }
  @media (max-width: 760px) {
    .multiples {
      grid-template-columns: minmax(0, 1fr);
    }
  }
`,
];
