import type { Figure } from '../api/types.ts';
import { formatCount, formatMoney, formatPercent, formatThroughput } from '../format/format.ts';

/** A figure's value in its unit, as a person reads it; "–" when an input is missing. */
export function formatFigure(f: Pick<Figure, 'value' | 'unit' | 'flags'>): string {
  if (f.value === null) return f.flags.includes('not-yet') ? 'not yet' : '–';
  const v = f.value;
  switch (f.unit) {
    case 'fraction':
      return formatPercent(v);
    case 'parts':
      return formatCount(v);
    case 'parts/min':
      return formatThroughput(v);
    case '$':
      return formatMoney(v);
    case 'months':
      return `${v.toFixed(1)} months`;
    case '%':
      return `${Math.abs(v) >= 100 ? Math.round(v) : v.toFixed(1)} %`;
    case 'z':
      return v.toFixed(2);
    case 'p':
      return v < 0.001 ? '< 0.001' : v.toFixed(3);
    default:
      return `${Number(v.toPrecision(6))} ${f.unit}`;
  }
}

/** An input value beside a figure: fractions as percentages, money with $, the rest as numbers. */
export function formatInput(name: string, value: number | string | boolean | null): string {
  if (value === null) return 'not entered';
  if (typeof value !== 'number') return String(value);
  if (/^(c_|capex|opex|r_lab|savings|cost|net)/.test(name)) return formatMoney(value);
  if (/^(e_|p_|p$|r$|pi$|rho$|π|ρ)|rate/.test(name) && value <= 1) return formatPercent(value);
  if (name === 'years') return formatYears(value);
  if (/(_ts|^from$|^to$)/.test(name) && value > 1e11)
    return new Date(value).toISOString().slice(0, 16).replace('T', ' ');
  return Number.isInteger(value) ? formatCount(value) : String(Number(value.toPrecision(6)));
}

/** A span given in years (the period a yearly cost is prorated over), in the unit a person would say it in. */
function formatYears(years: number): string {
  const days = years * 365.25;
  if (days >= 365) return `${Number(years.toFixed(2))} y`;
  if (days >= 1) return `${Number(days.toFixed(1))} d`;
  const hours = days * 24;
  return hours >= 1 ? `${Number(hours.toFixed(1))} h` : `${Number((hours * 60).toFixed(1))} min`;
}

/** What a flag means, for a person. */
export const FLAG_TEXT: Record<string, string> = {
  uncorrected: 'not corrected by an audit yet (no labels)',
  'low-n': 'fewer than 30 parts: too few to act on',
  'not-yet': 'does not pay back yet at this rate',
  floored: 'shown at 0; the export keeps the signed value',
  'missing-input': 'an input is not entered',
};
