import type { Context } from 'hono';
import { z } from 'zod';
import { QueryError } from '../errors.ts';

/**
 * Who may call a route (issue 11 enforces it): viewer reads, qc-lead changes line modes, baselines, ROI inputs,
 * labels and acknowledges alarms, engineer rolls out models, admin configures the hub (alarm rules, webhooks).
 * Which roles include which is the auth layer's to decide.
 */
export const ROLES = ['viewer', 'qc-lead', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What the OpenAPI description says about one route; each route module exports its own. */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path, e.g. `/api/series` or `/api/lines/{site}/{line}/mode`. */
  path: string;
  summary: string;
  description?: string;
  /** The role the route needs (shown as `x-sightline-role`); viewer when absent; public: no token needed. */
  role?: Role | 'public';
  /** Path parameters, by the names in `path`. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request body: a JSON schema, or a content type with a description (uploads). */
  body?: z.ZodType | { contentType: string; description: string };
  /** Whether `format=csv` answers the same table as CSV. */
  csv?: boolean;
  /** 200 response: a JSON body schema, or a content type with a description (streams, files). */
  response: z.ZodType | { contentType: string; description: string };
}

/**
 * Validates a request's query against its schema; a bad one is a 400 naming the parameter, the value given and
 * the fix (`verdict "broken": expected one of …`), or the parameters a strict schema does not know.
 */
export function parseQuery<S extends z.ZodObject>(schema: S, c: Context): z.infer<S> {
  const query = c.req.query();
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `unknown parameter${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
      }
      const key = issue.path.map(String).join('.');
      const given = key in query ? ` "${query[key]}"` : '';
      return `${key || 'query'}${given}: ${issue.message}`;
    })
    .join('; ');
  throw new QueryError(message);
}

/** A query parameter holding a positive integer within [min, max]. */
export const intParam = (fallback: number, min: number, max: number, what: string) =>
  z
    .string()
    .regex(/^\d+$/, `expected an integer ${min}-${max}, e.g. ${fallback}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `expected an integer ${min}-${max}, e.g. ${fallback}`)
    .optional()
    .transform((n) => n ?? fallback)
    .describe(what);

/** A time given as epoch milliseconds or an ISO 8601 date-time. */
export const timeParam = (what: string) =>
  z
    .string()
    .transform((v, ctx) => {
      const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
      if (Number.isFinite(t)) return t;
      ctx.addIssue({
        code: 'custom',
        message: `"${v}" is not a time; use epoch ms or ISO 8601 (2026-01-31T06:00:00Z)`,
      });
      return z.NEVER;
    })
    .optional()
    .describe(what);
