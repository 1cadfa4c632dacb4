import type { ApiRole, AuthSession } from '@sightline/protocol';

/**
 * The bearer token the dashboard sends (hub API tokens with roles) and who the hub says it belongs to. The token
 * lives in localStorage so a wall display stays signed in; the role is only ever the hub's answer
 * (`/api/auth/session`), never something the page decides. The hub checks every route itself; the role here only
 * hides controls a person could not use.
 */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * checking → signed-in (the hub named the token's owner and role; an anonymous viewer when the hub lets requests
 * without a token read) | required (no token, or the hub refused it: the sign-in form shows).
 */
export type AuthState =
  | { kind: 'checking' }
  | { kind: 'signed-in'; session: AuthSession }
  | { kind: 'required'; reason: string };

export interface Auth {
  token(): string | null;
  /** Keeps a token to send from now on (a pasted one or one a sign-in link gave); the state follows the hub's answer. */
  setToken(token: string | null): void;
  /** The hub's answer to "who is this token": signed in with that role. */
  confirmed(session: AuthSession): void;
  /** Called by the HTTP layer on a 401 (the token is missing or no longer valid), and to ask for a token. */
  required(reason: string): void;
  /** Whether the signed-in role includes `role` (viewer ⊂ qc-lead ⊂ engineer ⊂ admin). */
  may(role: ApiRole): boolean;
  onChange(listener: (state: AuthState) => void): () => void;
  readonly state: AuthState;
}

/** The hub's roles, each including the ones before it (protocol's ApiRole). */
const ROLES: readonly ApiRole[] = ['viewer', 'qc-lead', 'engineer', 'admin'];
export const roleIncludes = (held: ApiRole, needed: ApiRole) => ROLES.indexOf(held) >= ROLES.indexOf(needed);

/** Where the token is kept. */
export const TOKEN_KEY = 'sightline.token';

export function createAuth(storage: TokenStorage | undefined): Auth {
  let token = storage?.getItem(TOKEN_KEY) ?? null;
  let state: AuthState = { kind: 'checking' };
  const listeners = new Set<(s: AuthState) => void>();
  const set = (next: AuthState) => {
    state = next;
    for (const l of listeners) l(state);
  };
  return {
    token: () => token,
    setToken(value) {
      token = value?.trim() || null;
      if (token) storage?.setItem(TOKEN_KEY, token);
      else storage?.removeItem(TOKEN_KEY);
      // Nobody has confirmed the new token yet: the hub's answer (or its refusal and reason) settles the state.
      if (state.kind !== 'checking') set({ kind: 'checking' });
    },
    confirmed(session) {
      set({ kind: 'signed-in', session });
    },
    required(reason) {
      if (state.kind !== 'required' || state.reason !== reason) set({ kind: 'required', reason });
    },
    may: (role) => state.kind === 'signed-in' && roleIncludes(state.session.role, role),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get state() {
      return state;
    },
  };
}
