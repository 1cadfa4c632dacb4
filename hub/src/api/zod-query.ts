import type { z } from 'zod';
import { QueryError } from '../errors.ts';

/**
 * Validates URL query parameters with a zod schema; a bad one is a QueryError (400 SL_QUERY_INVALID)
 * naming the parameter, the value given and what is expected.
 */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.infer<S> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return `unknown parameter${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    }
    const given = key in query ? ` "${query[key]}"` : '';
    return `${key || 'query'}${given}: ${issue.message}`;
  });
  throw new QueryError(problems.join('; '));
}
