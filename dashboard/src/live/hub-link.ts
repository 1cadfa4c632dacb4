import type { Auth } from '../api/auth.ts';
import type { ApiClient } from '../api/client.ts';
import type { Address, SignIn } from '../api/sign-in.ts';
import type { HealthResponse } from '../api/types.ts';
import { nextPollDelay } from '../controllers/backoff.ts';
import type { HubClock } from '../model/hub-clock.ts';
import type { LiveConnection } from './live-connection.ts';

/**
 * Whether what the dashboard shows is live: the hub answered its health check lately (each within a time
 * limit) and the live stream is open. Anything else is said on screen, with how long it has been.
 */
export interface Liveness {
  live: boolean;
  /** Why not, as a short phrase ("hub not answering for 12 s"); empty when live. */
  reason: string;
  health: HealthResponse | undefined;
  /** Browser time of the last good health answer. */
  healthyAt: number | undefined;
  error: Error | undefined;
}

/** Everything a view needs to reach the hub; made once by the app and handed to every view. */
export interface HubLink {
  api: ApiClient;
  live: LiveConnection;
  clock: HubClock;
  auth: Auth;
  signIn: SignIn;
  liveness(): Liveness;
  /** Called on any change of liveness; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  start(): void;
  close(): void;
}

export interface HubLinkOptions {
  api: ApiClient;
  live: LiveConnection;
  clock: HubClock;
  auth: Auth;
  signIn: SignIn;
  /** The page's address, for a sign-in link; none in tests. */
  address?: Address;
  healthEveryMs?: number;
  now?: () => number;
}

const secondsSince = (now: number, t: number | undefined) =>
  t === undefined ? '' : ` for ${Math.max(1, Math.round((now - t) / 1000))} s`;

export function createHubLink({
  api,
  live,
  clock,
  auth,
  signIn,
  address,
  healthEveryMs = 5_000,
  now = Date.now,
}: HubLinkOptions): HubLink {
  const listeners = new Set<() => void>();
  let health: HealthResponse | undefined;
  let healthyAt: number | undefined;
  let error: Error | undefined;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let abort: AbortController | undefined;
  let started = false;
  const notify = () => {
    for (const l of listeners) l();
  };

  async function check(): Promise<void> {
    abort = new AbortController();
    try {
      health = await api.health(abort.signal);
      healthyAt = now();
      error = undefined;
      failures = 0;
    } catch (cause) {
      if (abort.signal.aborted) return;
      error = cause instanceof Error ? cause : new Error(String(cause));
      failures += 1;
    }
    notify();
    if (started) timer = setTimeout(() => void check(), nextPollDelay(healthEveryMs, failures, 15_000));
  }

  const unsubscribe = live.onStatus(() => notify());
  // A stream refused before sign-in (or under the previous token) is opened again at once, as the new role.
  const offAuth = auth.onChange((s) => {
    if (s.kind === 'signed-in') live.reconnect();
  });

  return {
    api,
    live,
    clock,
    auth,
    signIn,
    liveness() {
      const t = now();
      let reason = '';
      if (error) {
        reason =
          error.name === 'ApiError' && (error as { code?: string }).code === 'SL_AUTH_REQUIRED'
            ? 'sign-in needed'
            : `hub not answering${secondsSince(t, healthyAt)}`;
      } else if (healthyAt === undefined) reason = 'connecting to the hub';
      else if (live.status.state !== 'open') {
        reason =
          live.status.state === 'retrying'
            ? `live stream lost${secondsSince(t, live.status.since)}`
            : 'connecting to the live stream';
      }
      return { live: reason === '', reason, health, healthyAt, error };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      if (started) return;
      started = true;
      void check();
      // The stream waits for the sign-in to settle, so it is not refused on the way.
      const signedIn = address ? signIn.start(address) : Promise.resolve();
      void signedIn.finally(() => {
        if (started) live.start();
      });
    },
    close() {
      started = false;
      clearTimeout(timer);
      abort?.abort();
      live.close();
      unsubscribe();
      offAuth();
    },
  };
}
