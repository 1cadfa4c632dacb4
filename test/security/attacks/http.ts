import { request } from 'node:http';
import type { ApiRole } from '@sightline/protocol';
import { health, patient } from '../support/api.ts';
import { fill, ROLE_ORDER, type Route, routesOf } from '../support/openapi.ts';
import type { Stack } from '../support/stack.ts';
import type { Attack } from './attack.ts';

const EVIL = 'https://evil.example';

/** Values for path parameters of routes that change things (any well-formed id will do). */
const sample = (name: string) =>
  name === 'seq' ? '1' : name === 'sha256' ? 'a'.repeat(64) : name === 'version' ? '1.0.0' : `plant`;

/** Injection payloads for every filter and sort parameter. */
export const SQL_PAYLOADS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '"; DROP TABLE results; --',
  '1; SELECT * FROM dead_letters',
  "') UNION SELECT NULL, NULL, NULL --",
  '%27%20OR%201%3D1',
  '\\',
  "plant' AND sleep(5) --",
  '*',
  '%',
  '_',
  "line-1'/**/OR/**/'1'='1",
  '1 OR 1=1',
  "$1; COPY results TO '/tmp/x.csv'",
  "'; ATTACH '/etc/passwd' AS x; --",
];

/** Files an attacker would like to read through a path: /etc/passwd, the repository's package.json, the credentials. */
const TRAVERSALS = [
  '/../../../../../../etc/passwd',
  '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
  '/assets/..%2f..%2f..%2f..%2fpackage.json',
  '/..%5c..%5c..%5cpackage.json',
  '/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
  '//etc/passwd',
  '/index.html%00.png',
  '/assets/%252e%252e/%252e%252e/package.json',
  '/api/../../../../etc/passwd',
];
const LEAKS = [/root:x:0:0/, /"name":\s*"sightline"/, /"\$scrypt\$/, /"digest":/];

/** A GET with the path sent exactly as written (fetch would resolve the dots first). */
function rawGet(base: string, path: string, token: string): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method: 'GET', headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          if (body.length < 1_000_000) body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Counts array elements anywhere in a JSON value: rows an answer leaks. */
/** JSON answers are compared by their rows; others (the printable report) only for a server error. */
const isJson = (res: Response) => (res.headers.get('content-type') ?? '').includes('json');

const rows = (v: unknown): number =>
  Array.isArray(v)
    ? v.length + v.reduce((n: number, x) => n + rows(x), 0)
    : v && typeof v === 'object'
      ? Object.values(v).reduce((n: number, x) => n + rows(x), 0)
      : 0;

/**
 * The HTTP attacks of issue 11, walked over every route the hub documents: no token, wrong and revoked tokens,
 * CORS and cross-origin changes, a lower role on every route that needs a higher one, SQL metacharacters in every
 * query parameter, path traversal, oversized bodies, a reused sign-in link, a token over its rate.
 */
export async function httpAttacks(stack: Stack): Promise<Attack[]> {
  const base = stack.httpUrl;
  const routes = await routesOf(base);
  const call = (route: Route, init: RequestInit & { token?: string | null; query?: string } = {}) => {
    const { token = stack.tokens.admin, query = '', ...rest } = init;
    const headers: Record<string, string> = { ...(rest.headers as Record<string, string>) };
    if (token) headers.authorization = `Bearer ${token}`;
    if (route.method !== 'GET' && rest.body === undefined) {
      rest.body = '{}';
      headers['content-type'] = 'application/json';
    }
    return patient(`${base}${fill(route, sample)}${query}`, { method: route.method, ...rest, headers });
  };
  const closed = async (res: Response) => {
    await res.body?.cancel().catch(() => undefined);
    return res.status;
  };
  const guarded = routes.filter((r) => r.role !== 'public');
  const changes = routes.filter((r) => r.method !== 'GET');
  const attacks: Attack[] = [];

  for (const route of guarded) {
    attacks.push({
      name: `http: no token: ${route.method} ${route.path}`,
      run: async () => {
        const status = await closed(await call(route, { token: null }));
        return { refused: status === 401, detail: `HTTP ${status}` };
      },
    });
  }
  attacks.push(
    {
      name: 'http: a made-up token',
      run: async () => {
        const status = await closed(
          await fetch(`${base}/api/lines`, {
            headers: { authorization: `Bearer slt_000000000000_${'A'.repeat(43)}` },
          }),
        );
        return { refused: status === 401, detail: `HTTP ${status}` };
      },
    },
    {
      name: 'http: a revoked token',
      run: async () => {
        const { secret, info } = await stack.credentials.addToken({ role: 'admin', name: 'soon revoked' });
        await stack.credentials.revokeToken(info.id);
        // The hub process sees the credentials file change by itself.
        let status = 0;
        for (let i = 0; i < 100 && status !== 401; i++) {
          status = await closed(
            await fetch(`${base}/api/lines`, { headers: { authorization: `Bearer ${secret}` } }),
          );
          if (status !== 401) await new Promise((r) => setTimeout(r, 100));
        }
        return { refused: status === 401, detail: `HTTP ${status} after revocation` };
      },
    },
    {
      name: 'http: CORS preflight from a foreign origin',
      run: async () => {
        const res = await fetch(`${base}/api/lines`, {
          method: 'OPTIONS',
          headers: {
            origin: EVIL,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization,content-type',
          },
        });
        await closed(res);
        const allow = res.headers.get('access-control-allow-origin');
        return {
          refused: allow === null,
          detail: `HTTP ${res.status}, Access-Control-Allow-Origin: ${allow}`,
        };
      },
    },
    {
      name: 'http: a foreign page reading the API (CORS)',
      run: async () => {
        const res = await fetch(`${base}/api/lines`, {
          headers: { origin: EVIL, authorization: `Bearer ${stack.tokens.viewer}` },
        });
        await closed(res);
        const allow = res.headers.get('access-control-allow-origin');
        return {
          refused: allow === null,
          detail: `Access-Control-Allow-Origin: ${allow} (no header: the browser withholds the answer)`,
        };
      },
    },
    {
      name: 'http: framing the dashboard (clickjacking)',
      run: async () => {
        const res = await fetch(`${base}/`);
        await closed(res);
        const csp = res.headers.get('content-security-policy') ?? '';
        const xfo = res.headers.get('x-frame-options');
        return {
          refused: xfo === 'DENY' && csp.includes("frame-ancestors 'none'"),
          detail: `X-Frame-Options ${xfo}; CSP ${csp.slice(0, 80)}…`,
        };
      },
    },
    {
      name: 'http: a cookie used for a change (CSRF)',
      run: async () => {
        const status = await closed(
          await fetch(`${base}/api/auth/session`, {
            method: 'POST',
            headers: { cookie: `sl_token=${stack.tokens.admin}` },
          }),
        );
        return { refused: status === 401, detail: `HTTP ${status}: changes need the Authorization header` };
      },
    },
    {
      name: 'http: a sign-in link used twice',
      run: async () => {
        const { code } = await stack.credentials.addLink({
          role: 'admin',
          name: 'once',
          minutes: 5,
          tokenDays: 1,
        });
        const redeem = () =>
          fetch(`${base}/api/auth/redeem`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ code }),
          });
        let first = 0;
        // The hub sees the new link once it has read the credentials file.
        for (let i = 0; i < 100 && first !== 200; i++) {
          first = await closed(await redeem());
          if (first !== 200) await new Promise((r) => setTimeout(r, 100));
        }
        const second = await closed(await redeem());
        return {
          refused: first === 200 && second === 401,
          detail: `first HTTP ${first}, second HTTP ${second}`,
        };
      },
    },
  );
  for (const route of changes) {
    attacks.push({
      name: `http: cross-origin ${route.method} ${route.path} with a valid token`,
      run: async () => {
        const res = await call(route, { headers: { origin: EVIL } });
        const status = await closed(res);
        return { refused: status === 403, detail: `HTTP ${status}` };
      },
    });
    attacks.push({
      name: `http: oversized body to ${route.method} ${route.path}`,
      run: async () => {
        try {
          const status = await closed(
            await call(route, {
              body: JSON.stringify({ x: 'x'.repeat(3 * 1024 * 1024) }),
              headers: { 'content-type': 'application/json' },
            }),
          );
          // An upload route has a limit of its own (model bundles: 512 MiB); 3 MiB that is no bundle is refused.
          return { refused: status === 413 || (route.upload && status === 422), detail: `HTTP ${status}` };
        } catch (error) {
          // The hub answered 413 and closed the connection while the body was still being sent.
          const alive = (await fetch(`${base}/api/health`)).ok;
          return {
            refused: alive,
            detail: `connection closed before the body was read (${(error as Error).message}); hub alive: ${alive}`,
          };
        }
      },
    });
  }
  for (const route of guarded) {
    const need = ROLE_ORDER.indexOf(route.role as ApiRole);
    if (need <= 0) continue;
    const lower = ROLE_ORDER[need - 1] as ApiRole;
    attacks.push({
      name: `http: ${lower} calls ${route.method} ${route.path} (needs ${route.role})`,
      run: async () => {
        const status = await closed(await call(route, { token: stack.tokens[lower] }));
        return { refused: status === 403, detail: `HTTP ${status}` };
      },
    });
  }
  for (const route of routes.filter((r) => r.method === 'GET' && !r.stream)) {
    for (const param of [...route.query.map((q) => q.name), ...route.pathParams.map((p) => `{${p}}`)]) {
      attacks.push({
        name: `http: SQL metacharacters in ${param} of ${route.path}`,
        run: async () => {
          const before = (await health(stack)).store.results;
          const baselineUrl = param.startsWith('{')
            ? fill(route, () => 'no-such-value')
            : `${route.path}?${param}=no-such-value`;
          const baseline = await patient(`${base}${baselineUrl}`, {
            headers: { authorization: `Bearer ${stack.tokens.admin}` },
          });
          const baseRows = baseline.ok && isJson(baseline) ? rows(await baseline.json()) : 0;
          if (!(baseline.ok && isJson(baseline))) await closed(baseline);
          const bad: string[] = [];
          for (const payload of SQL_PAYLOADS) {
            const path = param.startsWith('{')
              ? fill(route, (n) => (`{${n}}` === param ? payload : sample(n)))
              : `${route.path}?${param}=${encodeURIComponent(payload)}`;
            const res = await patient(`${base}${path}`, {
              headers: { authorization: `Bearer ${stack.tokens.admin}` },
            }).catch((error: Error) => {
              bad.push(`${payload} → ${error.message}: ${String((error as { cause?: unknown }).cause)}`);
              return undefined;
            });
            if (!res) continue;
            if (res.status >= 500) bad.push(`${payload} → ${res.status}`);
            else if (res.ok && isJson(res) && rows(await res.json()) > baseRows)
              bad.push(`${payload} → more rows than for an unknown value`);
            else await closed(res);
          }
          const after = (await health(stack)).store.results;
          if (after < before) bad.push(`stored results fell from ${before} to ${after}`);
          return {
            refused: bad.length === 0,
            detail: bad.length
              ? bad.join('; ')
              : `${SQL_PAYLOADS.length} payloads: 200 with no extra rows or 400, never 5xx`,
          };
        },
      });
    }
  }
  const imageRoutes = routes.filter(
    (r) => r.method === 'GET' && /sample|image/.test(r.path) && r.pathParams.length > 0,
  );
  const traversals = [
    ...TRAVERSALS,
    ...imageRoutes.flatMap((r) =>
      ['..%2f..%2f..%2f..%2fetc%2fpasswd', '..%2f..%2fauth.json', '%2e%2e%2f%2e%2e%2fhub.duckdb'].map((p) =>
        fill(r, () => p).replace(/%25/g, '%'),
      ),
    ),
  ];
  for (const path of traversals) {
    attacks.push({
      name: `http: path traversal ${path}`,
      run: async () => {
        const { status, body } = await rawGet(base, path, stack.tokens.admin);
        const leak = LEAKS.find((re) => re.test(body));
        return {
          refused: !leak && status < 500,
          detail: `HTTP ${status}${leak ? `, leaked ${leak}` : ', nothing leaked'}`,
        };
      },
    });
  }
  attacks.push({
    name: 'http: one token far over its rate',
    run: async () => {
      const { secret } = await stack.credentials.addToken({ role: 'viewer', name: 'greedy' });
      await new Promise((r) => setTimeout(r, 300));
      const codes = await Promise.all(
        Array.from({ length: 400 }, () =>
          fetch(`${base}/api/health`, { headers: { authorization: `Bearer ${secret}` } }).then(closed),
        ),
      );
      const limited = codes.filter((c) => c === 429).length;
      const others = await closed(
        await fetch(`${base}/api/health`, { headers: { authorization: `Bearer ${stack.tokens.viewer}` } }),
      );
      return {
        refused: limited > 0 && others === 200,
        detail: `${limited} of 400 answered 429; another token: HTTP ${others}`,
      };
    },
  });
  return attacks;
}
