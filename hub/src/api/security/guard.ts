import { getConnInfo } from '@hono/node-server/conninfo';
import type { ApiRole } from '@sightline/protocol';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Logger } from 'pino';
import type { CredentialStore } from '../../auth/credential-store.ts';
import { ROLES, type RouteDoc } from '../route-doc.ts';
import { createRateLimiter } from './rate-limit.ts';

/** Who makes a request: the token's name and role; `token` null for an anonymous viewer. */
export interface ApiPrincipal {
  name: string;
  role: ApiRole;
  token: string | null;
  expires: number | null;
}

export interface GuardOptions {
  credentials: CredentialStore;
  /** Requests without a token: refused, or read as a viewer. */
  anonymous: 'refuse' | 'viewer';
  /** Other origins allowed to call the API from a browser (CORS); same-origin always is. */
  corsOrigins: readonly string[];
  rateLimit: { requestsPerSecond: number; burst: number };
  log: Logger;
}

/** The cookie that carries the token for the browser's own GETs (<img src>, CSV links), never for changes. */
export const TOKEN_COOKIE = 'sl_token';

/** Each role includes the ones before it: viewer ⊂ qc-lead ⊂ engineer ⊂ admin. */
export const roleIncludes = (held: ApiRole, needed: ApiRole) => ROLES.indexOf(held) >= ROLES.indexOf(needed);

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

type Need = ApiRole | 'public';
interface RouteRule {
  method: string;
  pattern: RegExp;
  need: Need;
}

/** `/api/lines/{site}/{line}/mode` → a RegExp matching one path segment per parameter. */
function rulesOf(docs: readonly RouteDoc[]): RouteRule[] {
  return docs.map((d) => {
    const source = d.path
      .split('/')
      .map((seg) => (/^\{[^}]+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
      .join('/');
    return { method: d.method.toUpperCase(), pattern: new RegExp(`^${source}$`), need: d.role ?? 'viewer' };
  });
}

const fail = (c: Context, status: 401 | 403 | 429, code: string, message: string) =>
  c.json({ error: { code, message } }, status);

/**
 * Every /api request passes here before its route: the origin of a change must be the hub's own page (or a
 * configured one), the bearer token must be valid, the token's rate holds, and its role must include the role the
 * route's docs name. A route without docs needs admin: nothing is open by omission.
 */
export function apiGuard(docs: readonly RouteDoc[], opts: GuardOptions): MiddlewareHandler {
  const rules = rulesOf(docs);
  const limiter = createRateLimiter({
    perSecond: opts.rateLimit.requestsPerSecond,
    burst: opts.rateLimit.burst,
  });
  const allowedOrigins = new Set(opts.corsOrigins);
  const needOf = (method: string, path: string): Need => {
    const m = method === 'HEAD' ? 'GET' : method;
    return rules.find((r) => r.method === m && r.pattern.test(path))?.need ?? 'admin';
  };

  return async (c, next) => {
    const method = c.req.method;
    if (method === 'OPTIONS') return next(); // CORS preflight: answered by the cors middleware or 404
    const origin = c.req.header('origin');
    if (!SAFE.has(method) && origin && origin !== new URL(c.req.url).origin && !allowedOrigins.has(origin)) {
      opts.log.warn(
        { event: 'http_origin_refused', origin, method, path: c.req.path },
        'cross-origin change refused',
      );
      return fail(
        c,
        403,
        'SL_ORIGIN_REFUSED',
        `requests from ${origin.slice(0, 200)} may not change anything here; add it to http.cors.origins if it should`,
      );
    }

    const need = needOf(method, c.req.path);
    const header = c.req.header('authorization');
    const bearer = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    // The cookie is for the browser's own reads only: a change must carry the token itself, which no other site can.
    const secret = bearer ?? (SAFE.has(method) ? getCookie(c, TOKEN_COOKIE) : undefined);
    let principal: ApiPrincipal | undefined;
    if (secret !== undefined || header !== undefined) {
      const info = secret ? opts.credentials.verifyToken(secret) : null;
      // A stale cookie must not lock anyone out of a public route (health, sign-in).
      if (!info && need !== 'public') {
        return fail(
          c,
          401,
          'SL_AUTH_INVALID',
          'this token is unknown, revoked or expired; sign in again with a valid one',
        );
      }
      if (info) principal = { name: info.name, role: info.role, token: info.id, expires: info.expires };
    } else if (opts.anonymous === 'viewer') {
      principal = { name: 'anonymous', role: 'viewer', token: null, expires: null };
    }

    const key = principal?.token ?? `ip:${remoteOf(c)}`;
    const taken = limiter.take(key);
    if (!taken.ok) {
      c.header('Retry-After', String(taken.retryAfterS));
      return fail(c, 429, 'SL_RATE_LIMITED', `too many requests; retry in ${taken.retryAfterS} s`);
    }

    if (need !== 'public') {
      if (!principal) {
        c.header('WWW-Authenticate', 'Bearer realm="sightline"');
        return fail(
          c,
          401,
          'SL_AUTH_REQUIRED',
          'sign in: send an API token (`sightline-hub tokens add`) as "Authorization: Bearer <token>"',
        );
      }
      if (!roleIncludes(principal.role, need)) {
        opts.log.warn(
          {
            event: 'http_forbidden',
            who: principal.name,
            role: principal.role,
            need,
            method,
            path: c.req.path,
          },
          'request refused: role too low',
        );
        return fail(
          c,
          403,
          'SL_FORBIDDEN',
          `${method} ${c.req.path} needs the ${need} role; ${principal.name} is ${principal.role}`,
        );
      }
    }
    if (principal) {
      c.set('principal' as never, principal as never);
      c.set('who' as never, principal.name as never);
    }
    return next();
  };
}

function remoteOf(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'local'; // app.request() in tests: no socket
  }
}

/** The request's principal, set by the guard. */
export function principalOf(c: Context): ApiPrincipal | undefined {
  return (c.var as { principal?: ApiPrincipal }).principal;
}
