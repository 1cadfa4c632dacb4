import type { Figure } from '@sightline/protocol';

const text = (inputs: Figure['inputs']) =>
  Object.entries(inputs)
    .map(([k, v]) => `${k}=${v ?? '—'}`)
    .join('; ');

/** Figures as table rows (CSV, the printed report): one per figure, its inputs as `name=value; …`. */
export function figureRows(
  figures: Record<string, Figure>,
  extra: Record<string, string | number | null> = {},
) {
  return Object.entries(figures).map(([name, f]) => ({
    ...extra,
    figure: name,
    value: f.value,
    unit: f.unit,
    formula: f.formula,
    inputs: text(f.inputs),
    interval: f.interval ? `${f.interval[0]} – ${f.interval[1]}` : null,
    flags: f.flags.join(' '),
    missing: f.missing.join(' '),
    note: f.note,
  }));
}
