import type { AuthSession, RedeemResponse } from '@sightline/protocol';
import { nextPollDelay } from '../controllers/backoff.ts';
import type { Auth } from './auth.ts';
import { ApiError } from './errors.ts';
import type { Http } from './http.ts';

/** The page's address, as far as a sign-in link needs it. */
export interface Address {
  location: Pick<Location, 'href' | 'hash'>;
  history: Pick<History, 'replaceState'>;
}

export interface SignIn {
  /**
   * Signs the page in at start: a sign-in link in the address is redeemed, else the kept token (or no token,
   * when the hub lets anonymous viewers read) is confirmed with the hub. Settles the auth state either way.
   */
  start(address: Address): Promise<void>;
  /** A token pasted into the sign-in form. */
  withToken(token: string): Promise<void>;
  signOut(): Promise<void>;
}

/** The one-time code of a sign-in link (`https://hub/#signin=sll_…`, from `sightline-hub tokens link` or `pnpm demo`). */
export const signInCode = (hash: string) => /(?:^#|&)signin=([A-Za-z0-9_-]+)/.exec(hash)?.[1];

/**
 * The dashboard's one sign-in flow. Each path ends in the hub's word on who the token is (`/api/auth/session`):
 * the role shown and the controls offered follow it. Signing in also sets the hub's HttpOnly cookie, which
 * carries the token for the page's own `<img>` and download reads; changes always send the bearer header.
 */
export function createSignIn({
  http,
  auth,
  retryMs = 2_000,
}: {
  http: Http;
  auth: Auth;
  /** First wait before asking again when the hub did not answer (it backs off to 15 s). */
  retryMs?: number;
}): SignIn {
  let failures = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  /**
   * Asks the hub who the token is. A 401 makes the HTTP layer ask for sign-in; a hub that does not answer is
   * asked again (the state stays `checking`: the page must not claim a role nobody confirmed).
   */
  async function confirm(): Promise<void> {
    clearTimeout(retry);
    try {
      // POST refreshes the cookie for a token; without one, GET says whether anonymous viewers may read.
      const method = auth.token() ? 'POST' : 'GET';
      auth.confirmed(await http.json<AuthSession>('api/auth/session', { method }));
      failures = 0;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'SL_AUTH_REQUIRED') return;
      failures += 1;
      retry = setTimeout(() => void confirm(), nextPollDelay(retryMs, failures - 1, 15_000));
    }
  }

  return {
    async start({ location, history }) {
      const code = signInCode(location.hash);
      if (!code) return confirm();
      // The code is taken off the address first: it must not stay in history, bookmarks or screenshots.
      const url = new URL(location.href);
      url.hash = '';
      history.replaceState(null, '', url);
      try {
        const got = await http.json<RedeemResponse>('api/auth/redeem', { method: 'POST', body: { code } });
        auth.setToken(got.secret);
        auth.confirmed({ name: got.name, role: got.role, token: got.token, expires: got.expires });
      } catch (error) {
        const reason = `This sign-in link did not work (${(error as Error).message}).`;
        // A browser already signed in stays signed in; otherwise the form says why the link failed.
        if (auth.token()) return confirm();
        auth.required(`${reason} Ask for a new link, or paste an API token.`);
      }
    },
    async withToken(token) {
      auth.setToken(token);
      await confirm();
    },
    async signOut() {
      auth.setToken(null);
      // Clears the cookie; the token itself stays valid until `sightline-hub tokens revoke`.
      await http.json<void>('api/auth/session', { method: 'DELETE' }).catch(() => undefined);
      await confirm();
    },
  };
}
