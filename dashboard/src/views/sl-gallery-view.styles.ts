import { css } from 'lit';
import { bannerStyles, toolbarStyles } from '../styles/shared.ts';

export const galleryStyles = [
  bannerStyles,
  toolbarStyles,
  css`
  :host {
    display: grid;
    gap: 12px;
  }
  .audit {
    font-size: 0.9rem;
    font-variant-numeric: tabular-nums;
  }
  .muted,
  .empty,
  .keys {
    color: var(--sl-muted);
    font-size: 0.85rem;
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(300px, 420px);
    gap: 14px;
    align-items: start;
  }
  .grid {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
    gap: 10px;
  }
  .grid button {
    width: 100%;
    display: grid;
    gap: 4px;
    padding: 6px;
    border: 1px solid var(--sl-border);
    border-radius: 6px;
    background: var(--sl-card);
    color: var(--sl-text);
    font: inherit;
    text-align: left;
    cursor: pointer;
    position: relative;
  }
  .grid li.on button {
    border-color: var(--sl-accent);
    box-shadow: 0 0 0 1px var(--sl-accent);
  }
  .grid button:focus-visible {
    outline: 2px solid var(--sl-accent);
    outline-offset: 2px;
  }
  .meta {
    display: flex;
    justify-content: space-between;
    font-size: 0.8rem;
    font-variant-numeric: tabular-nums;
  }
  .ago,
  .where {
    color: var(--sl-muted);
    font-size: 0.76rem;
  }
  .chip {
    position: absolute;
    top: 10px;
    left: 10px;
    padding: 1px 6px;
    border-radius: 4px;
    font-size: 0.7rem;
    font-weight: 700;
    background: var(--sl-good);
    color: #000;
  }
  .chip.false_reject,
  .chip.missed_defect {
    background: var(--sl-warn);
  }
  .detail {
    position: sticky;
    top: 70px;
    display: grid;
    gap: 10px;
    padding: 12px;
    border: 1px solid var(--sl-border);
    border-radius: 8px;
    background: var(--sl-card);
  }
  dl {
    margin: 0;
    display: grid;
    grid-template-columns: repeat(2, minmax(0, 1fr));
    gap: 6px 12px;
    font-size: 0.86rem;
  }
  dt {
    font-size: 0.7rem;
    text-transform: uppercase;
    letter-spacing: 0.06em;
    color: var(--sl-muted);
  }
  dd {
    margin: 0;
    font-variant-numeric: tabular-nums;
  }
  dd.defect {
    color: var(--sl-bad);
    font-weight: 600;
  }
  .labels {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .labels button {
    font: inherit;
    font-size: 0.86rem;
    padding: 6px 10px;
    border-radius: 6px;
    border: 1px solid var(--sl-border);
    background: var(--sl-track);
    color: var(--sl-text);
    cursor: pointer;
  }
  .labels button.on {
    border-color: var(--sl-accent);
    background: color-mix(in srgb, var(--sl-accent) 25%, var(--sl-track));
  }
  .labels button.plain {
    background: none;
  }
  kbd {
    font-family: ui-monospace, Menlo, Consolas, monospace;
    font-size: 0.75rem;
    padding: 0 4px;
    border: 1px solid var(--sl-border);
    border-radius: 3px;
    color: var(--sl-muted);
  }
  @media (max-width: 860px) {
    .layout {
      grid-template-columns: minmax(0, 1fr);
    }
    .detail {
      position: static;
      order: -1;
    }
    .grid {
      grid-template-columns: repeat(auto-fill, minmax(110px, 1fr));
    }
  }
`,
];
