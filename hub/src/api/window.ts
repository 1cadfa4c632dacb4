import { QueryError } from '../errors.ts';

const UNIT_S = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
/** Longest window a query may ask for. */
export const MAX_WINDOW_S = 30 * 86_400;

/** Parses a window like `30s`, `5m`, `1h`, `1d` or plain seconds (`90`) into seconds. */
export function parseWindow(value: string | undefined, fallbackS = 300): number {
  if (value === undefined || value === '') return fallbackS;
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(value.trim());
  if (!match) throw new QueryError(`window "${value}" is not a duration; use e.g. 30s, 5m, 1h`);
  const seconds = Number(match[1]) * UNIT_S[(match[2] || 's') as keyof typeof UNIT_S];
  if (seconds <= 0 || seconds > MAX_WINDOW_S) {
    throw new QueryError(`window "${value}" is out of range; use more than 0 and at most 30d`);
  }
  return seconds;
}

/** Parses an integer query parameter within [min, max]. */
export function parseLimit(value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new QueryError(`limit "${value}" is not an integer 1-${max}; use e.g. limit=${fallback}`);
  }
  return Number(value);
}
