import type {
  FleetModelsResponse,
  RegistryEntry,
  RegistryResponse,
  Rollout,
  RolloutEventsResponse,
  RolloutSpecInput,
  RolloutsResponse,
} from '@sightline/protocol';
import { fetchJson } from './client.ts';

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
