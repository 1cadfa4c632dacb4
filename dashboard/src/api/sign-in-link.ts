import type { RedeemResponse } from '@sightline/protocol';
import { ApiError } from './errors.ts';

/** Where the dashboard keeps its API token (a wall display stays signed in). */
export const TOKEN_KEY = 'sightline.token';

export interface LinkEnv {
  location: Pick<Location, 'href' | 'hash'>;
  history: Pick<History, 'replaceState'>;
  storage: Pick<Storage, 'setItem'> | undefined;
  fetch: typeof fetch;
}

/**
 * A sign-in link (`https://hub/#signin=sll_…` from `sightline-hub tokens link`) signs this browser in: the one-time
 * code rides in the fragment (browsers send it to no server and no log), is taken off the address at once, and is
 * exchanged for a token of its own, which the hub also sets as a cookie for the page's images and downloads.
 * Resolves with the new session, or null when the address holds no link.
 */
export async function redeemSignInLink(env: LinkEnv): Promise<RedeemResponse | null> {
  const code = /(?:^#|&)signin=([A-Za-z0-9_-]+)/.exec(env.location.hash)?.[1];
  if (!code) return null;
  const url = new URL(env.location.href);
  url.hash = '';
  env.history.replaceState(null, '', url);
  const response = await env.fetch('api/auth/redeem', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ code }),
  });
  const body = (await response.json().catch(() => undefined)) as
    | (RedeemResponse & { error?: { code: string; message: string } })
    | undefined;
  if (!response.ok || !body?.secret) {
    throw new ApiError(
      body?.error?.code ?? 'SL_AUTH_INVALID',
      body?.error?.message ?? 'This sign-in link did not work; ask for a new one.',
      response.status,
    );
  }
  env.storage?.setItem(TOKEN_KEY, body.secret);
  return body;
}
