import { IDENTIFIER } from '@sightline/protocol';
import type { Context } from 'hono';
import { z } from 'zod';
import { QueryError } from '../errors.ts';

/** A site, line or agent id in a path or query. */
export const idParam = (what: string) =>
  z.string().regex(IDENTIFIER, `expected a ${what} id of 1-64 of a-z, 0-9 and "-" (e.g. "${what}-1")`);

export const LinePath = z.object({ site: idParam('site'), line: idParam('line') });
export const ResultPath = LinePath.extend({
  agent: idParam('agent'),
  seq: z
    .string()
    .regex(/^\d{1,15}$/, "expected the result's seq, a whole number")
    .transform(Number),
});

function issues(error: z.ZodError, where: string): string {
  return error.issues.map((i) => `${[where, ...i.path].filter(Boolean).join('.')}: ${i.message}`).join('; ');
}

/** Validates path parameters; a bad one is a 400 naming it. */
export function parseParams<S extends z.ZodObject>(schema: S, c: Context): z.infer<S> {
  const parsed = schema.safeParse(c.req.param());
  if (parsed.success) return parsed.data;
  throw new QueryError(issues(parsed.error, ''));
}

/**
 * Validates a JSON body; a missing or bad one is a 400 naming the field and what was expected. With `optional`,
 * an empty body counts as `{}`.
 */
export async function parseBody<S extends z.ZodType>(
  schema: S,
  c: Context,
  opts: { optional?: boolean } = {},
): Promise<z.infer<S>> {
  const text = await c.req.text();
  let raw: unknown;
  try {
    raw = text.trim() === '' && opts.optional ? {} : JSON.parse(text);
  } catch {
    throw new QueryError('body: expected a JSON object (Content-Type: application/json)');
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new QueryError(issues(parsed.error, 'body'));
}
