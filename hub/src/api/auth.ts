import { AuthSession, RedeemRequest, RedeemResponse } from '@sightline/protocol';
import { type Context, Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { CredentialStore } from '../auth/credential-store.ts';
import { QueryError } from '../errors.ts';
import type { RouteDoc } from './route-doc.ts';
import { principalOf, TOKEN_COOKIE } from './security/guard.ts';

export const authDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/auth/session',
    summary: 'Who the token belongs to: name, role, expiry',
    response: AuthSession,
  },
  {
    method: 'post',
    path: '/api/auth/session',
    summary:
      "Sign the browser in: the bearer token is also set as an HttpOnly cookie for the page's own reads",
    description:
      'The cookie (SameSite=Strict) lets `<img>` and download links read images and CSV; changes always need the `Authorization` header.',
    response: AuthSession,
  },
  {
    method: 'delete',
    path: '/api/auth/session',
    summary: 'Sign the browser out (clears the cookie; the token itself stays valid until revoked)',
    role: 'public',
    response: z204(),
  },
  {
    method: 'post',
    path: '/api/auth/redeem',
    summary: 'Exchange a one-time sign-in code (`sightline-hub tokens link`) for a new API token',
    role: 'public',
    body: RedeemRequest,
    response: RedeemResponse,
  },
];

function z204() {
  return { contentType: 'text/plain', description: 'no content' };
}

const MAX_COOKIE_S = 400 * 86_400; // browsers cap cookies at 400 days

function setTokenCookie(c: Context, secret: string, expires: number | null) {
  const https = new URL(c.req.url).protocol === 'https:';
  setCookie(c, TOKEN_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: https,
    path: '/',
    maxAge:
      expires === null
        ? MAX_COOKIE_S
        : Math.max(0, Math.min(MAX_COOKIE_S, Math.floor((expires - Date.now()) / 1000))),
  });
}

export function authRoutes({ credentials }: { credentials: CredentialStore }): Hono {
  const app = new Hono();
  const session = (c: Context): AuthSession => {
    const p = principalOf(c);
    return {
      name: p?.name ?? 'anonymous',
      role: p?.role ?? 'viewer',
      token: p?.token ?? '',
      expires: p?.expires ?? null,
    };
  };
  app.get('/api/auth/session', (c) => c.json(session(c)));
  app.post('/api/auth/session', (c) => {
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    const p = principalOf(c);
    if (bearer && p?.token) setTokenCookie(c, bearer, p.expires);
    return c.json(session(c));
  });
  app.delete('/api/auth/session', (c) => {
    deleteCookie(c, TOKEN_COOKIE, { path: '/' });
    return c.body(null, 204);
  });
  app.post('/api/auth/redeem', async (c) => {
    const parsed = RedeemRequest.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success)
      throw new QueryError('body: expected {"code": "sll_…"} from `sightline-hub tokens link`');
    const got = await credentials.redeemLink(parsed.data.code);
    if (!got) {
      return c.json(
        {
          error: {
            code: 'SL_AUTH_INVALID',
            message: 'this sign-in link is unknown, used or expired; ask for a new one',
          },
        },
        401,
      );
    }
    setTokenCookie(c, got.secret, got.info.expires);
    const body: RedeemResponse = {
      name: got.info.name,
      role: got.info.role,
      token: got.info.id,
      expires: got.info.expires,
      secret: got.secret,
    };
    return c.json(body);
  });
  return app;
}
