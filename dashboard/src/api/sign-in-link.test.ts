import { describe, expect, it } from 'vitest';
import { redeemSignInLink, TOKEN_KEY } from './sign-in-link.ts';

function env(hash: string, answer: { status: number; body: unknown }) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const stored = new Map<string, string>();
  let address = `https://hub.local/${hash}`;
  return {
    calls,
    stored,
    address: () => address,
    env: {
      location: { href: address, hash },
      history: {
        replaceState: (_s: unknown, _t: string, url?: string | URL | null) => {
          address = String(url);
        },
      },
      storage: { setItem: (k: string, v: string) => void stored.set(k, v) },
      fetch: (async (url: string, init?: RequestInit) => {
        calls.push({ url, init });
        return new Response(JSON.stringify(answer.body), { status: answer.status });
      }) as typeof fetch,
    },
  };
}

describe('sign-in links', () => {
  it('exchanges the code once, keeps the token, and takes the code off the address first', async () => {
    const e = env('#signin=sll_0123456789ab_code', {
      status: 200,
      body: { secret: 'slt_x', name: 'demo', role: 'admin', token: 'x', expires: null },
    });
    const session = await redeemSignInLink(e.env);
    expect(session?.role).toBe('admin');
    expect(e.address()).toBe('https://hub.local/');
    expect(JSON.parse(String(e.calls[0]?.init?.body))).toEqual({ code: 'sll_0123456789ab_code' });
    expect(e.stored.get(TOKEN_KEY)).toBe('slt_x');
  });

  it('does nothing without a link, and says so when the hub refuses one', async () => {
    expect(await redeemSignInLink(env('', { status: 200, body: {} }).env)).toBeNull();
    const used = env('#signin=sll_used', {
      status: 401,
      body: { error: { code: 'SL_AUTH_INVALID', message: 'used' } },
    });
    await expect(redeemSignInLink(used.env)).rejects.toThrow('used');
    expect(used.stored.size).toBe(0);
  });
});
