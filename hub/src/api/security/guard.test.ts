import type { ApiRole } from '@sightline/protocol';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMemoryStorage } from '../../auth/auth-file.ts';
import { type CredentialStore, openCredentialStore } from '../../auth/credential-store.ts';
import { createDuckDbStore, type ResultStore } from '../../store/index.ts';
import { type ApiSecurity, createApi } from '../index.ts';
import type { RouteDoc } from '../route-doc.ts';

let store: ResultStore;
let credentials: CredentialStore;
const tokens = {} as Record<ApiRole, string>;

/** Two routes standing in for the ones that change things: ROI inputs (qc-lead) and a rollout (engineer). */
function changeRoutes() {
  const app = new Hono();
  const who = (c: { var: unknown }) => (c.var as { who?: string }).who;
  app.put('/api/roi/:site/:line/inputs', (c) => c.json({ changed: true, who: who(c) }));
  app.post('/api/rollouts', (c) => c.json({ started: true, who: who(c) }));
  app.get('/api/undocumented', (c) => c.json({ secret: 1 }));
  const docs: RouteDoc[] = [
    {
      method: 'put',
      path: '/api/roi/{site}/{line}/inputs',
      summary: 'ROI inputs',
      role: 'qc-lead',
      response: z.object({}),
    },
    {
      method: 'post',
      path: '/api/rollouts',
      summary: 'start a rollout',
      role: 'engineer',
      response: z.object({}),
    },
  ];
  return { app, docs };
}

const api = (over: Partial<ApiSecurity> = {}) =>
  createApi({
    store,
    log: pino({ level: 'silent' }),
    status: {
      brokerConnected: () => true,
      startedAt: 0,
      store: () => store.status(),
      ingest: () => ({
        messages: 0,
        byChannel: {},
        results: { inserted: 0, duplicates: 0 },
        deadLetters: 0,
        storeFailures: 0,
      }),
      counters: () => store.counters(),
    },
    extra: [changeRoutes()],
    security: {
      credentials,
      anonymous: 'refuse',
      corsOrigins: ['https://mes.plant.local'],
      rateLimit: { requestsPerSecond: 0, burst: 1 },
      maxBodyBytes: 2048,
      https: false,
      ...over,
    },
  });
const bearer = (role: ApiRole) => ({ authorization: `Bearer ${tokens[role]}` });
const ORIGIN = 'http://localhost';

beforeEach(async () => {
  store = await createDuckDbStore({ path: ':memory:' });
  credentials = await openCredentialStore({ storage: createMemoryStorage() });
  for (const role of ['viewer', 'qc-lead', 'engineer', 'admin'] as const) {
    tokens[role] = (await credentials.addToken({ role, name: `${role}-person` })).secret;
  }
});
afterEach(async () => {
  credentials.close();
  await store.close();
});

describe('tokens', () => {
  it('refuses a request without a token, with a wrong or revoked one, and names the fix', async () => {
    const app = api();
    const none = await app.request('/api/lines');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="sightline"');
    expect(await none.json()).toMatchObject({ error: { code: 'SL_AUTH_REQUIRED', message: /tokens add/ } });
    const wrong = await app.request('/api/lines', { headers: { authorization: `Bearer ${tokens.viewer}x` } });
    expect(wrong.status).toBe(401);
    expect((await app.request('/api/lines', { headers: { authorization: 'Basic YTpi' } })).status).toBe(401);
    expect((await app.request('/api/lines', { headers: bearer('viewer') })).status).toBe(200);
    const id = credentials.tokens().find((t) => t.role === 'viewer')?.id as string;
    await credentials.revokeToken(id);
    expect((await app.request('/api/lines', { headers: bearer('viewer') })).status).toBe(401);
  });

  it('keeps health and the OpenAPI description public', async () => {
    const app = api();
    expect((await app.request('/api/health')).status).toBe(200);
    expect((await app.request('/api/openapi.json')).status).toBe(200);
    // A stale cookie does not lock anyone out of them.
    expect((await app.request('/api/health', { headers: { cookie: 'sl_token=old' } })).status).toBe(200);
  });

  it('lets anonymous requests read as a viewer only when configured', async () => {
    const app = api({ anonymous: 'viewer' });
    expect((await app.request('/api/lines')).status).toBe(200);
    const put = await app.request('/api/roi/p/l/inputs', { method: 'PUT', body: '{}' });
    expect(put.status).toBe(403);
  });
});

describe('roles', () => {
  it.each([
    ['viewer', 403, 403],
    ['qc-lead', 200, 403],
    ['engineer', 200, 200],
    ['admin', 200, 200],
  ] as const)('%s: ROI inputs %i, rollout %i', async (role, roi, rollout) => {
    const app = api();
    const put = await app.request('/api/roi/plant-1/line-1/inputs', {
      method: 'PUT',
      headers: bearer(role),
      body: '{}',
    });
    expect(put.status).toBe(roi);
    const post = await app.request('/api/rollouts', { method: 'POST', headers: bearer(role), body: '{}' });
    expect(post.status).toBe(rollout);
    if (roi === 200) expect(await put.json()).toEqual({ changed: true, who: `${role}-person` });
    else
      expect(await put.json()).toMatchObject({
        error: { code: 'SL_FORBIDDEN', message: /needs the qc-lead role; viewer-person is viewer/ },
      });
  });

  it('a route without docs needs admin: nothing is open by omission', async () => {
    const app = api();
    expect((await app.request('/api/undocumented', { headers: bearer('engineer') })).status).toBe(403);
    expect((await app.request('/api/undocumented', { headers: bearer('admin') })).status).toBe(200);
  });
});

describe('browsers', () => {
  it('refuses a cross-origin change, even with a valid token; same origin and configured ones pass', async () => {
    const app = api();
    const post = (origin: string) =>
      app.request('http://localhost/api/rollouts', {
        method: 'POST',
        headers: { ...bearer('admin'), origin },
        body: '{}',
      });
    const evil = await post('https://evil.example');
    expect(evil.status).toBe(403);
    expect(await evil.json()).toMatchObject({ error: { code: 'SL_ORIGIN_REFUSED' } });
    expect((await post(ORIGIN)).status).toBe(200);
    expect((await post('https://mes.plant.local')).status).toBe(200);
  });

  it('answers CORS for configured origins only, never with a wildcard', async () => {
    const app = api();
    const preflight = (origin: string) =>
      app.request('/api/lines', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    const ok = await preflight('https://mes.plant.local');
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://mes.plant.local');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const get = await app.request('/api/lines', {
      headers: { ...bearer('viewer'), origin: 'https://evil.example' },
    });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    const none = api({ corsOrigins: [] });
    expect(
      (
        await none.request('/api/lines', { headers: { ...bearer('viewer'), origin: 'https://x.example' } })
      ).headers.get('access-control-allow-origin'),
    ).toBeNull();
  });

  it('the cookie signs in reads, never changes', async () => {
    const app = api();
    const signIn = await app.request('/api/auth/session', { method: 'POST', headers: bearer('admin') });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sl_token=slt_[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/);
    const jar = { cookie: cookie.split(';')[0] as string };
    expect(await (await app.request('/api/auth/session', { headers: jar })).json()).toMatchObject({
      name: 'admin-person',
      role: 'admin',
    });
    expect((await app.request('/api/rollouts', { method: 'POST', headers: jar, body: '{}' })).status).toBe(
      401,
    );
  });

  it('sends security headers and a content security policy', async () => {
    const res = await api().request('/api/health');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toBeNull(); // plain HTTP
    const https = await api({ https: true }).request('/api/health');
    expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000');
  });
});

describe('limits', () => {
  it('refuses bodies over http.maxBodyBytes with 413', async () => {
    const res = await api().request('/api/rollouts', {
      method: 'POST',
      headers: bearer('admin'),
      body: 'x'.repeat(5000),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'SL_BODY_TOO_LARGE' } });
  });

  it('limits each token’s rate with 429 and Retry-After, leaving other tokens alone', async () => {
    const app = api({ rateLimit: { requestsPerSecond: 1, burst: 3 } });
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push((await app.request('/api/lines', { headers: bearer('viewer') })).status);
    expect(codes).toEqual([200, 200, 200, 429]);
    const limited = await app.request('/api/lines', { headers: bearer('viewer') });
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await app.request('/api/lines', { headers: bearer('admin') })).status).toBe(200);
  });
});

describe('sign-in links', () => {
  it('a one-time code gives a token once', async () => {
    const app = api();
    const { code } = await credentials.addLink({ role: 'qc-lead', name: 'lena', minutes: 15, tokenDays: 30 });
    const redeem = () =>
      app.request('http://localhost/api/auth/redeem', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        body: JSON.stringify({ code }),
      });
    const first = await redeem();
    expect(first.status).toBe(200);
    const body = (await first.json()) as { secret: string; role: string; name: string };
    expect(body).toMatchObject({ role: 'qc-lead', name: 'lena' });
    expect(
      (await app.request('/api/lines', { headers: { authorization: `Bearer ${body.secret}` } })).status,
    ).toBe(200);
    expect((await redeem()).status).toBe(401);
  });
});
