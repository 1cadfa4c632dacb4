import type { Figure } from '@sightline/protocol';

export type FigureInputs = Figure['inputs'];

/** A year, for OPEX_y and yearly hours: 365 days (the README's convention). */
export const YEAR_MS = 365 * 86_400_000;

/**
 * One figure with what it came from. `needs` names inputs that must be present: when any is null the value is
 * null and they are listed in `missing` (flag `missing-input`), so a person sees what to enter.
 */
export function figure(
  unit: string,
  formula: string,
  inputs: FigureInputs,
  compute: () => number | null,
  opts: {
    needs?: readonly string[];
    interval?: [number, number] | null;
    flags?: readonly string[];
    note?: string | null;
  } = {},
): Figure {
  const missing = (opts.needs ?? []).filter((k) => inputs[k] === null || inputs[k] === undefined);
  const value = missing.length > 0 ? null : compute();
  const flags = [...(opts.flags ?? []), ...(missing.length > 0 ? ['missing-input'] : [])];
  return {
    value: value === null || Number.isFinite(value) ? value : null,
    unit,
    formula,
    inputs,
    interval: opts.interval ?? null,
    flags,
    missing,
    note: opts.note ?? (missing.length > 0 ? `needs ${missing.join(', ')}` : null),
  };
}

/** A figure's value as a number for the next formula (callers check `value !== null` first). */
export const v = (f: Figure): number => f.value as number;
