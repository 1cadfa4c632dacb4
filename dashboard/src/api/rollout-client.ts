import type {
  FleetModelsResponse,
  RegistryEntry,
  RegistryResponse,
  Rollout,
  RolloutEventsResponse,
  RolloutSpecInput,
  RolloutsResponse,
} from '@sightline/protocol';
import type { Http } from './http.ts';

export type RolloutAction = 'promote' | 'cancel' | 'rollback';

const rolloutPath = (id: string) => `api/rollouts/${encodeURIComponent(id)}`;

/**
 * The hub verifies an uploaded bundle, loads it in ONNX Runtime and runs its golden images before it answers:
 * far longer than a read, and longer for a big model on a busy hub.
 */
const UPLOAD_TIMEOUT_MS = 180_000;

/**
 * The model registry and rollouts. Changes name no one: the hub records the signed-in token's name with each
 * event and refuses them unless its role is engineer or above.
 */
export function createRolloutClient(http: Http) {
  return {
    registry: (signal?: AbortSignal) => http.json<RegistryResponse>('api/models', { signal }),
    fleetModels: (signal?: AbortSignal) => http.json<FleetModelsResponse>('api/fleet/models', { signal }),
    rollouts: (signal?: AbortSignal) => http.json<RolloutsResponse>('api/rollouts', { signal }),
    events: (id: string, signal?: AbortSignal) =>
      http.json<RolloutEventsResponse>(`${rolloutPath(id)}/events?limit=50`, { signal }),
    upload: (file: Blob) =>
      http.json<RegistryEntry>('api/models', { method: 'POST', bytes: file, timeoutMs: UPLOAD_TIMEOUT_MS }),
    start: (spec: RolloutSpecInput) => http.json<Rollout>('api/rollouts', { method: 'POST', body: spec }),
    act: (id: string, action: RolloutAction) =>
      http.json<Rollout>(`${rolloutPath(id)}/${action}`, { method: 'POST', body: {} }),
    /** Sets the thresholds a running rollout's model runs with (audited on the hub). */
    thresholds: (id: string, defect: number, reason: string) =>
      http.json<Rollout>(`${rolloutPath(id)}/thresholds`, {
        method: 'PUT',
        body: { thresholds: { defect }, reason },
      }),
  };
}

export type RolloutClient = ReturnType<typeof createRolloutClient>;
