import type { Context } from 'hono';

/**
 * Who makes a request, for the change histories (ROI inputs, modes, labels, acknowledgements). The auth layer
 * (issue 11) sets the context variable `who` from the token; until then the `X-Sightline-User` header names the
 * person (unauthenticated: a hint, not a proof), else "anonymous".
 */
export function whoOf(c: Context): string {
  const fromAuth = (c.var as { who?: unknown }).who;
  if (typeof fromAuth === 'string' && fromAuth) return fromAuth;
  const header = c.req.header('x-sightline-user')?.trim();
  return header ? header.slice(0, 128) : 'anonymous';
}
