import { ApiError } from './errors.ts';
import { TOKEN_KEY } from './sign-in-link.ts';
import type { ApiErrorBody, HealthResponse, LinesResponse, TimeWindow } from './types.ts';

/** Fetches one hub URL as JSON; every failure becomes an ApiError a person can act on. */
export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    const token = globalThis.localStorage?.getItem(TOKEN_KEY);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    response = await fetch(url, { signal, headers });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError(
      'SL_HUB_UNREACHABLE',
      'Cannot reach the hub. Is it running, and is this page served by it?',
    );
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (body as Partial<ApiErrorBody> | undefined)?.error;
    throw new ApiError(
      error?.code ?? 'SL_HUB_HTTP',
      error?.message ?? `The hub answered ${response.status} ${response.statusText} for ${url}.`,
      response.status,
    );
  }
  if (body === undefined) {
    throw new ApiError('SL_HUB_BAD_RESPONSE', `The hub sent something that is not JSON for ${url}.`);
  }
  return body as T;
}

/** Relative URLs, so the dashboard works wherever the hub mounts it. */
export const apiUrls = {
  lines: (window: TimeWindow) => `api/lines?window=${encodeURIComponent(window)}`,
  health: () => 'api/health',
} as const;

export const fetchLines = (window: TimeWindow, signal?: AbortSignal) =>
  fetchJson<LinesResponse>(apiUrls.lines(window), signal);

export const fetchHealth = (signal?: AbortSignal) => fetchJson<HealthResponse>(apiUrls.health(), signal);
