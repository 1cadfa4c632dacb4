import type { Auth } from './auth.ts';
import { ApiError } from './errors.ts';
import type { ApiErrorBody } from './types.ts';

export interface HttpOptions {
  /** Absolute path the API lives under, e.g. "/" (the hub serves the dashboard at its root). */
  base: string;
  auth: Auth;
  /** A request with no answer after this long fails with SL_HUB_TIMEOUT: a frozen hub must not look live. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, `application/octet-stream` (a model bundle); give it a `timeoutMs` that fits its size. */
  bytes?: Blob | ArrayBuffer | Uint8Array<ArrayBuffer>;
}

export interface Http {
  json<T>(path: string, options?: RequestOptions): Promise<T>;
  /** A request without the JSON parse, for streams (`/api/stream`); the caller owns the body. */
  open(path: string, options: { signal: AbortSignal; accept: string }): Promise<Response>;
  url(path: string): string;
  headers(accept: string): Record<string, string>;
}

/** Seconds, for messages a person reads. */
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** The one place that talks HTTP to the hub: time limits, the bearer token, errors a person can act on. */
export function createHttp({ base, auth, timeoutMs, fetch: doFetch = fetch }: HttpOptions): Http {
  const root = base.endsWith('/') ? base : `${base}/`;
  const url = (path: string) => `${root}${path.replace(/^\//, '')}`;
  const headers = (accept: string) => {
    const token = auth.token();
    return { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  };

  /**
   * Sends a request that fails with SL_HUB_TIMEOUT when no answer arrives within `limitMs`. The limit keeps
   * running until the caller calls `settle` (after reading the body), or stops at the headers for streams.
   */
  async function send(path: string, options: RequestOptions, accept: string, limitMs: number) {
    const limit = new AbortController();
    const timer = setTimeout(() => limit.abort(), limitMs);
    const settle = () => clearTimeout(timer);
    const signal = options.signal ? AbortSignal.any([options.signal, limit.signal]) : limit.signal;
    const init: RequestInit = { method: options.method ?? 'GET', signal, headers: headers(accept) };
    if (options.bytes !== undefined) {
      init.body = options.bytes;
      init.headers = { ...init.headers, 'content-type': 'application/octet-stream' };
    } else if (options.body !== undefined) {
      init.body = JSON.stringify(options.body);
      init.headers = { ...init.headers, 'content-type': 'application/json' };
    }
    const timedOut = () =>
      new ApiError(
        'SL_HUB_TIMEOUT',
        `The hub did not answer within ${seconds(limitMs)}. It may be overloaded or stopped; figures on screen are not live.`,
      );
    try {
      const response = await doFetch(url(path), init);
      return { response, settle, timedOut: () => limit.signal.aborted, timeoutError: timedOut };
    } catch (cause) {
      settle();
      if (options.signal?.aborted) throw cause;
      if (limit.signal.aborted) throw timedOut();
      throw new ApiError(
        'SL_HUB_UNREACHABLE',
        'Cannot reach the hub. Is it running, and is this page served by it?',
      );
    }
  }

  async function failure(response: Response, path: string): Promise<ApiError> {
    const body = (await response.json().catch(() => undefined)) as Partial<ApiErrorBody> | undefined;
    const message =
      body?.error?.message ?? `The hub answered ${response.status} ${response.statusText} for ${path}.`;
    if (response.status === 401) {
      // The first reason stays on the form (a failed sign-in link says why): the page's other reads, refused
      // after it, would only replace it with the hub's generic "send a token". A new token starts afresh.
      if (auth.state.kind !== 'required') auth.required(message);
      return new ApiError('SL_AUTH_REQUIRED', `Sign in to see this: ${message}`, 401);
    }
    if (response.status === 403) {
      return new ApiError('SL_FORBIDDEN', `Your role may not do this: ${message}`, 403);
    }
    return new ApiError(body?.error?.code ?? 'SL_HUB_HTTP', message, response.status);
  }

  return {
    url,
    headers,
    async json<T>(path: string, options: RequestOptions = {}): Promise<T> {
      const sent = await send(path, options, 'application/json', options.timeoutMs ?? timeoutMs);
      try {
        const { response } = sent;
        if (!response.ok) throw await failure(response, path);
        if (response.status === 204) return undefined as T;
        const body: unknown = await response.json().catch((cause) => {
          if (sent.timedOut()) throw sent.timeoutError();
          if (options.signal?.aborted) throw cause;
          return undefined;
        });
        if (body === undefined) {
          throw new ApiError('SL_HUB_BAD_RESPONSE', `The hub sent something that is not JSON for ${path}.`);
        }
        return body as T;
      } finally {
        sent.settle();
      }
    },
    async open(path, { signal, accept }) {
      const { response, settle } = await send(path, { signal }, accept, timeoutMs);
      settle();
      if (!response.ok) throw await failure(response, path);
      return response;
    },
  };
}
