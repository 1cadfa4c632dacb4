import { describe, expect, it } from 'vitest';
import { createAuth } from './auth.ts';
import { ApiError } from './errors.ts';
import { createHttp } from './http.ts';

const memory = () => {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => m.set(k, v),
    removeItem: (k: string) => m.delete(k),
  };
};

describe('http', () => {
  it('fails with SL_HUB_TIMEOUT when the hub does not answer in time (a frozen hub is not live)', async () => {
    const never: typeof fetch = (_url, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    const http = createHttp({ base: '/', auth: createAuth(memory()), timeoutMs: 50, fetch: never });
    const error = await http.json('api/lines').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('SL_HUB_TIMEOUT');
    expect((error as ApiError).message).toContain('did not answer within 0.1 s');
  });

  it('sends the bearer token and asks for sign-in on a 401', async () => {
    const auth = createAuth(memory());
    auth.setToken('tok-1');
    const seen: Array<string | null> = [];
    let reason = 'token expired';
    const fake: typeof fetch = async (_url, init) => {
      seen.push(new Headers(init?.headers).get('authorization'));
      return new Response(JSON.stringify({ error: { code: 'SL_AUTH', message: reason } }), {
        status: 401,
      });
    };
    const states: string[] = [];
    auth.onChange((s) => states.push(s.kind));
    const http = createHttp({ base: '/', auth, timeoutMs: 1000, fetch: fake });
    const error = (await http.json('api/lines').catch((e: unknown) => e)) as ApiError;
    expect(seen[0]).toBe('Bearer tok-1');
    expect(error.code).toBe('SL_AUTH_REQUIRED');
    expect(states).toEqual(['required']);
    expect(auth.state).toEqual({ kind: 'required', reason: 'token expired' });

    // Later refusals of the page's other reads keep the first reason on the form; a new token starts afresh.
    reason = 'send a token';
    await http.json('api/agents').catch(() => undefined);
    expect(auth.state).toEqual({ kind: 'required', reason: 'token expired' });
    auth.setToken('tok-2');
    expect(auth.state.kind).toBe('checking');
    await http.json('api/lines').catch(() => undefined);
    expect(auth.state).toEqual({ kind: 'required', reason: 'send a token' });
  });

  it('sends a bundle as it is, as an octet stream', async () => {
    let sent: { type: string | null; body: unknown } | undefined;
    const fake: typeof fetch = async (_url, init) => {
      sent = { type: new Headers(init?.headers).get('content-type'), body: init?.body };
      return new Response(JSON.stringify({ status: 'ready' }), { status: 200 });
    };
    const http = createHttp({ base: '/', auth: createAuth(memory()), timeoutMs: 1000, fetch: fake });
    const bytes = new Uint8Array([1, 2, 3]);
    expect(await http.json('api/models', { method: 'POST', bytes })).toEqual({ status: 'ready' });
    expect(sent).toEqual({ type: 'application/octet-stream', body: bytes });
  });

  it('resolves paths under the base whatever the page URL, so deep links reach the API', () => {
    const http = createHttp({ base: '/', auth: createAuth(undefined), timeoutMs: 1000 });
    expect(http.url('api/lines?window=5m')).toBe('/api/lines?window=5m');
  });
});
