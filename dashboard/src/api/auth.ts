/**
 * The bearer token the dashboard sends (hub API tokens with roles), and the hook that asks a person to sign
 * in when the hub answers 401. The token lives in localStorage so a wall display stays signed in.
 */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface Auth {
  token(): string | null;
  signIn(token: string): void;
  signOut(): void;
  /** Called by the HTTP layer on a 401: the token is missing or no longer valid. */
  required(reason: string): void;
  /** Listens for sign-in requests (a 401) and changes of token; returns the unsubscribe function. */
  onChange(listener: (state: AuthState) => void): () => void;
  readonly state: AuthState;
}

export type AuthState = { kind: 'anonymous' } | { kind: 'signed-in' } | { kind: 'required'; reason: string };

const KEY = 'sightline.token';

export function createAuth(storage: TokenStorage | undefined): Auth {
  let token = storage?.getItem(KEY) ?? null;
  let state: AuthState = token ? { kind: 'signed-in' } : { kind: 'anonymous' };
  const listeners = new Set<(s: AuthState) => void>();
  const set = (next: AuthState) => {
    state = next;
    for (const l of listeners) l(state);
  };
  return {
    token: () => token,
    signIn(value) {
      token = value.trim() || null;
      if (token) storage?.setItem(KEY, token);
      else storage?.removeItem(KEY);
      set(token ? { kind: 'signed-in' } : { kind: 'anonymous' });
    },
    signOut() {
      token = null;
      storage?.removeItem(KEY);
      set({ kind: 'anonymous' });
    },
    required(reason) {
      if (state.kind !== 'required') set({ kind: 'required', reason });
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get state() {
      return state;
    },
  };
}
