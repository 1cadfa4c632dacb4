import { css } from 'lit';

/** Styles several elements share (each element's shadow root needs its own copy of the rules). */

/** A red notice across the page: "Not live", a failed request. */
export const bannerStyles = css`
  .banner {
    margin: 0;
    padding: 10px 14px;
    border-radius: 6px;
    border: 1px solid var(--sl-bad);
    background: color-mix(in srgb, var(--sl-bad) 12%, transparent);
  }
`;

/** A row of radio buttons drawn as one segmented control (`fieldset > label > input[type=radio]`). */
export const segmentedStyles = css`
  fieldset {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 2px;
    margin: 0;
    padding: 3px;
    border: 1px solid var(--sl-border);
    border-radius: 6px;
    background: var(--sl-card);
  }
  legend {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }
  fieldset label {
    position: relative;
    padding: 4px 10px;
    border-radius: 4px;
    font-size: 0.85rem;
    color: var(--sl-muted);
    cursor: pointer;
    white-space: nowrap;
    font-variant-numeric: tabular-nums;
  }
  fieldset label:hover,
  fieldset label.on {
    color: var(--sl-text);
  }
  fieldset label.on {
    background: var(--sl-track);
  }
  fieldset input {
    position: absolute;
    opacity: 0;
    inset: 0;
    margin: 0;
    cursor: pointer;
  }
  fieldset label:has(input:focus-visible) {
    outline: 2px solid var(--sl-accent);
    outline-offset: 1px;
  }
`;

/** A data table: hairline rows, small-caps headers, numbers right-aligned in tabular figures. */
export const tableStyles = css`
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.88rem;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    padding: 5px 6px;
    text-align: left;
    border-bottom: 1px solid var(--sl-border);
  }
  thead th {
    font-size: 0.72rem;
    text-transform: uppercase;
    letter-spacing: 0.07em;
    color: var(--sl-muted);
    font-weight: 600;
  }
  tbody th {
    font-weight: 500;
  }
  .num {
    text-align: right;
    white-space: nowrap;
  }
`;

/** A page's title row: heading, selects and buttons. */
export const toolbarStyles = css`
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 16px;
  }
  h2 {
    margin: 0;
    font-size: 1.3rem;
  }
  .toolbar label {
    display: inline-flex;
    gap: 6px;
    align-items: center;
    font-size: 0.85rem;
    color: var(--sl-muted);
  }
  .toolbar select {
    font: inherit;
    font-size: 0.86rem;
    color: var(--sl-text);
    background: var(--sl-card);
    border: 1px solid var(--sl-border);
    border-radius: 6px;
    padding: 4px 8px;
  }
  .spacer {
    flex: 1;
  }
`;
