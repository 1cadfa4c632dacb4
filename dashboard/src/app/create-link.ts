import { createAuth } from '../api/auth.ts';
import { createApiClient } from '../api/client.ts';
import { createHttp } from '../api/http.ts';
import { createSignIn } from '../api/sign-in.ts';
import { createHubLink, type HubLink } from '../live/hub-link.ts';
import { createLiveConnection } from '../live/live-connection.ts';
import { createHubClock } from '../model/hub-clock.ts';

/**
 * Wires the dashboard's one link to the hub: token and sign-in, HTTP with time limits, the shared live stream, the
 * hub's clock.
 */
export function createBrowserLink(window: string): HubLink {
  const auth = createAuth(globalThis.localStorage);
  // The hub serves the dashboard at its root (vite `base: '/'`), so the API is at /api whatever the page's path.
  const http = createHttp({ base: import.meta.env.BASE_URL, auth, timeoutMs: 8_000 });
  const api = createApiClient(http);
  const live = createLiveConnection({ http, window });
  const signIn = createSignIn({ http, auth });
  return createHubLink({ api, live, clock: createHubClock(), auth, signIn, address: { location, history } });
}
