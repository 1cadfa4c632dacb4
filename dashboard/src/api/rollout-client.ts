import type {
  FleetModelsResponse,
  RegistryEntry,
  RegistryResponse,
  Rollout,
  RolloutEventsResponse,
  RolloutSpecInput,
  RolloutsResponse,
} from '@sightline/protocol';
import { ApiError } from './errors.ts';
import type { ApiErrorBody } from './types.ts';

// TODO(merge): move onto http.ts (bearer token, time limits) like the other clients.
/** Fetches one hub URL as JSON; every failure becomes an ApiError a person can act on. */
export async function fetchJson<T>(url: string, signal?: AbortSignal, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      signal,
      headers: { accept: 'application/json', ...init.headers },
    });
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

/** The model registry and rollouts (relative URLs, as the rest of the dashboard). */
export const fetchRegistry = (signal?: AbortSignal) => fetchJson<RegistryResponse>('api/models', signal);
export const fetchFleetModels = (signal?: AbortSignal) =>
  fetchJson<FleetModelsResponse>('api/fleet/models', signal);
export const fetchRollouts = (signal?: AbortSignal) => fetchJson<RolloutsResponse>('api/rollouts', signal);
export const fetchRolloutEvents = (id: string, signal?: AbortSignal) =>
  fetchJson<RolloutEventsResponse>(`api/rollouts/${encodeURIComponent(id)}/events?limit=50`, signal);

export const uploadBundle = (file: Blob) =>
  fetchJson<RegistryEntry>('api/models', undefined, {
    method: 'POST',
    body: file,
    headers: { 'content-type': 'application/octet-stream' },
  });

export const startRollout = (spec: RolloutSpecInput & { by?: string }) =>
  fetchJson<Rollout>('api/rollouts', undefined, {
    method: 'POST',
    body: JSON.stringify(spec),
    headers: { 'content-type': 'application/json' },
  });

export type RolloutAction = 'promote' | 'cancel' | 'rollback';
export const rolloutAction = (id: string, action: RolloutAction) =>
  fetchJson<Rollout>(`api/rollouts/${encodeURIComponent(id)}/${action}`, undefined, {
    method: 'POST',
    body: JSON.stringify({ by: 'dashboard' }),
    headers: { 'content-type': 'application/json' },
  });

/** Sets the thresholds a running rollout's model runs with (audited on the hub). */
export const setRolloutThresholds = (id: string, defect: number, reason: string) =>
  fetchJson<Rollout>(`api/rollouts/${encodeURIComponent(id)}/thresholds`, undefined, {
    method: 'PUT',
    body: JSON.stringify({ thresholds: { defect }, reason, by: 'dashboard' }),
    headers: { 'content-type': 'application/json' },
  });
