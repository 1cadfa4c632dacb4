import { describe, expect, it } from 'vitest';
import { createAuth, TOKEN_KEY } from './auth.ts';
import { createHttp } from './http.ts';
import { createSignIn } from './sign-in.ts';

interface Call {
  method: string;
  url: string;
  authorization: string | null;
  body: unknown;
}

/** A hub that knows one token (`slt_good`, an engineer) and one unused sign-in code (`sll_fresh`). */
function hub(opts: { anonymous?: 'viewer' | 'refuse' } = {}) {
  const calls: Call[] = [];
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
  const refused = (message: string) => json(401, { error: { code: 'SL_AUTH_INVALID', message } });
  const fetch: typeof globalThis.fetch = async (url, init) => {
    const authorization = new Headers(init?.headers).get('authorization');
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const method = init?.method ?? 'GET';
    calls.push({ method, url: String(url), authorization, body });
    if (String(url) === '/api/auth/redeem') {
      return body?.code === 'sll_fresh'
        ? json(200, { name: 'lena', role: 'qc-lead', token: 't2', expires: null, secret: 'slt_new' })
        : refused('this sign-in link is unknown, used or expired');
    }
    if (String(url) === '/api/auth/session') {
      if (method === 'DELETE') return new Response(null, { status: 204 });
      if (authorization === 'Bearer slt_good' || authorization === 'Bearer slt_new') {
        const lena = authorization === 'Bearer slt_new';
        return json(200, {
          name: lena ? 'lena' : 'erik',
          role: lena ? 'qc-lead' : 'engineer',
          token: 't',
          expires: null,
        });
      }
      if (authorization) return refused('this token is unknown, revoked or expired');
      return opts.anonymous === 'viewer'
        ? json(200, { name: 'anonymous', role: 'viewer', token: '', expires: null })
        : refused('sign in: send an API token');
    }
    return json(404, {});
  };
  return { calls, fetch };
}

function setup(stored: string | null, opts: { anonymous?: 'viewer' | 'refuse' } = {}) {
  const store = new Map<string, string>(stored ? [[TOKEN_KEY, stored]] : []);
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  };
  const h = hub(opts);
  const auth = createAuth(storage);
  const http = createHttp({ base: '/', auth, timeoutMs: 1000, fetch: h.fetch });
  return { auth, store, calls: h.calls, signIn: createSignIn({ http, auth }) };
}

function address(hash: string) {
  let href = `https://hub.local/models${hash}`;
  return {
    href: () => href,
    value: {
      location: { href, hash },
      history: {
        replaceState: (_s: unknown, _t: string, url?: string | URL | null) => {
          href = String(url);
        },
      },
    },
  };
}

describe('sign-in', () => {
  it('redeems a sign-in link once, keeps its token, and takes the code off the address first', async () => {
    const s = setup(null);
    const a = address('#signin=sll_fresh');
    expect(s.auth.state.kind).toBe('checking');
    await s.signIn.start(a.value);
    expect(a.href()).toBe('https://hub.local/models');
    expect(s.calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ['POST', '/api/auth/redeem', { code: 'sll_fresh' }],
    ]);
    expect(s.store.get(TOKEN_KEY)).toBe('slt_new');
    expect(s.auth.state).toMatchObject({ kind: 'signed-in', session: { name: 'lena', role: 'qc-lead' } });
    expect(s.auth.may('qc-lead')).toBe(true);
    expect(s.auth.may('engineer')).toBe(false);
  });

  it('asks for a token when a link fails and none is kept, but keeps a signed-in browser signed in', async () => {
    const fresh = setup(null);
    await fresh.signIn.start(address('#signin=sll_used').value);
    expect(fresh.auth.state.kind).toBe('required');
    expect((fresh.auth.state as { reason: string }).reason).toContain('unknown, used or expired');
    expect(fresh.store.size).toBe(0);

    const kept = setup('slt_good');
    await kept.signIn.start(address('#signin=sll_used').value);
    expect(kept.auth.state).toMatchObject({ kind: 'signed-in', session: { name: 'erik', role: 'engineer' } });
  });

  it('confirms a kept token with the hub (POST, which also sets the cookie) and takes the role it answers', async () => {
    const s = setup('slt_good');
    await s.signIn.start(address('').value);
    expect(s.calls.map((c) => [c.method, c.url, c.authorization])).toEqual([
      ['POST', '/api/auth/session', 'Bearer slt_good'],
    ]);
    expect(s.auth.may('engineer')).toBe(true);
    expect(s.auth.may('admin')).toBe(false);
  });

  it('shows the sign-in on a refused token, signs in with a pasted one, and signs out', async () => {
    const s = setup('slt_revoked');
    await s.signIn.start(address('').value);
    expect(s.auth.state).toEqual({ kind: 'required', reason: 'this token is unknown, revoked or expired' });
    await s.signIn.withToken('  slt_good ');
    expect(s.store.get(TOKEN_KEY)).toBe('slt_good');
    expect(s.auth.state).toMatchObject({ kind: 'signed-in', session: { role: 'engineer' } });
    await s.signIn.signOut();
    expect(s.store.size).toBe(0);
    expect(s.calls.at(-2)).toMatchObject({ method: 'DELETE', url: '/api/auth/session', authorization: null });
    expect(s.auth.state.kind).toBe('required');
    expect(s.auth.may('viewer')).toBe(false);
  });

  it('lets an anonymous viewer in when the hub allows it, without controls above viewer', async () => {
    const s = setup(null, { anonymous: 'viewer' });
    await s.signIn.start(address('').value);
    expect(s.auth.state).toMatchObject({ kind: 'signed-in', session: { name: 'anonymous', token: '' } });
    expect(s.auth.may('viewer')).toBe(true);
    expect(s.auth.may('qc-lead')).toBe(false);
  });
});
