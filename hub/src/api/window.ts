import { z } from 'zod';
import { QueryError } from '../errors.ts';

const UNIT_S = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
/** Longest window a query may ask for. */
export const MAX_WINDOW_S = 31 * 86_400;

/** Parses a duration like `30s`, `5m`, `1h`, `1d` or plain seconds (`90`) into seconds. */
export function parseDuration(value: string, name = 'window', maxS = MAX_WINDOW_S): number {
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(value.trim());
  if (!match) throw new QueryError(`${name} "${value}" is not a duration; use e.g. 30s, 5m, 1h`);
  const seconds = Number(match[1]) * UNIT_S[(match[2] || 's') as keyof typeof UNIT_S];
  if (seconds <= 0 || seconds > maxS) {
    throw new QueryError(`${name} "${value}" is out of range; use more than 0 and at most ${maxS / 86_400}d`);
  }
  return seconds;
}

/** A `window` query parameter in seconds. */
export const windowParam = (fallbackS: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallbackS : parseDuration(v)))
    .describe('window length: 30s, 5m, 1h, 1d or plain seconds, at most 31d');
