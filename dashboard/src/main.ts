import { redeemSignInLink } from './api/sign-in-link.ts';

// A sign-in link (…/#signin=…) is exchanged before the app asks the hub for anything.
redeemSignInLink({ location, history, storage: globalThis.localStorage, fetch: fetch.bind(globalThis) })
  .catch((error: Error) => console.warn(`sign-in link: ${error.message}`))
  .finally(() => import('./app/sl-app.ts'));
