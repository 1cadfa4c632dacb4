import { QueryError } from '../errors.ts';

/** A time given as epoch ms (number or digits) or ISO 8601, for request bodies. */
export function timeOf(value: number | string, name: string): number {
  const t = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(t))
    throw new QueryError(`${name}: "${value}" is not a time; use epoch ms or ISO 8601`);
  return t;
}

export const DAY_MS = 86_400_000;
