import { css } from 'lit';
import { bannerStyles, toolbarStyles } from '../styles/shared.ts';

export const roiViewStyles = [
  bannerStyles,
  toolbarStyles,
  css`
  :host {
    display: grid;
    gap: 14px;
  }
  select,
  button,
  .button {
    font: inherit;
    font-size: 0.86rem;
    color: var(--sl-text);
    background: var(--sl-card);
    border: 1px solid var(--sl-border);
    border-radius: 6px;
    padding: 4px 10px;
    text-decoration: none;
    cursor: pointer;
  }
  .card {
    padding: 14px 16px;
    border: 1px solid var(--sl-border);
    border-radius: 8px;
    background: color-mix(in srgb, var(--sl-card) 50%, var(--sl-bg));
    display: grid;
    gap: 10px;
    min-width: 0;
  }
  .card-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
    flex-wrap: wrap;
  }
  h3 {
    margin: 0;
    font-size: 1rem;
  }
  h4 {
    margin: 6px 0 0;
    font-size: 0.85rem;
    color: var(--sl-text-2);
    font-weight: 600;
  }
  .figures {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(230px, 1fr));
    gap: 10px;
  }
  .figures.headline {
    grid-template-columns: repeat(auto-fit, minmax(200px, 1fr));
  }
  .figures.two {
    grid-template-columns: repeat(auto-fit, minmax(260px, 1fr));
  }
  .counts {
    margin: 0;
    font-size: 0.88rem;
    color: var(--sl-text-2);
  }
  .rank {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.88rem;
    font-variant-numeric: tabular-nums;
  }
  .rank th,
  .rank td {
    padding: 6px;
    border-bottom: 1px solid var(--sl-border);
    text-align: left;
  }
  .rank thead th {
    font-size: 0.7rem;
    text-transform: uppercase;
    letter-spacing: 0.06em;
    color: var(--sl-muted);
  }
  .num {
    text-align: right !important;
  }
  .sub {
    display: block;
    font-size: 0.75rem;
    color: var(--sl-warn);
  }
  a {
    color: var(--sl-accent);
  }
  .muted {
    color: var(--sl-muted);
  }
  @media print {
    .toolbar select,
    .toolbar button,
    .toolbar .button {
      display: none;
    }
    .card {
      background: none;
      break-inside: avoid-page;
    }
  }
`,
];
