import type { ApiRole } from '@sightline/protocol';
import { type AuthState, roleIncludes } from './auth.ts';

/**
 * Every change the dashboard offers: the hub routes it calls and the role their docs name (`role` in the
 * hub's route docs, `x-sightline-role` in /api/openapi.json; the browser tests compare each with the hub's).
 * `what` starts the note people below that role read.
 */
export const CHANGES = {
  'start-pilot': { routes: ['PUT /api/lines/{site}/{line}/mode'], role: 'qc-lead', what: 'Changing modes' },
  'freeze-baseline': {
    routes: ['POST /api/lines/{site}/{line}/baseline'],
    role: 'qc-lead',
    what: 'Freezing a baseline',
  },
  'go-live': { routes: ['POST /api/lines/{site}/{line}/go-live'], role: 'qc-lead', what: 'Going live' },
  'roi-inputs': {
    routes: ['PUT /api/lines/{site}/{line}/roi/inputs'],
    role: 'qc-lead',
    what: 'Changing ROI inputs',
  },
  label: {
    routes: ['PUT /api/labels/{site}/{line}/{agent}/{seq}', 'PUT /api/samples/{sha256}/label'],
    role: 'qc-lead',
    what: 'Labelling images',
  },
  'alarm-ack': { routes: ['POST /api/alarms/{id}/ack'], role: 'qc-lead', what: 'Acknowledging alarms' },
  'alarm-rules': {
    routes: ['PUT /api/alarms/rules/{id}'],
    role: 'admin',
    what: 'Changing alarm rules and webhooks',
  },
  'model-upload': { routes: ['POST /api/models'], role: 'engineer', what: 'Uploading models' },
  'roll-out': { routes: ['POST /api/rollouts'], role: 'engineer', what: 'Rolling out models' },
  'rollout-action': {
    routes: [
      'POST /api/rollouts/{id}/promote',
      'POST /api/rollouts/{id}/cancel',
      'POST /api/rollouts/{id}/rollback',
      'PUT /api/rollouts/{id}/thresholds',
    ],
    role: 'engineer',
    what: 'Changing a rollout (promote, cancel, roll back, threshold)',
  },
} as const satisfies Record<string, { routes: readonly string[]; role: ApiRole; what: string }>;

export type Change = keyof typeof CHANGES;

/** Whether the signed-in person sees a change's control, and otherwise what to tell them. */
export interface Permit {
  change: Change;
  may: boolean;
  /** The role the hub's route doc names. */
  role: ApiRole;
  /**
   * For those who may not: "Changing modes needs the qc-lead role; you are signed in as viewer." Empty while the
   * hub has not yet said who this is (controls and note both wait).
   */
  note: string;
}

/** What the person signed in may change; made from each new auth state and handed to every view. */
export interface Access {
  permit(change: Change): Permit;
}

export function accessOf(state: AuthState): Access {
  const session = state.kind === 'signed-in' ? state.session : undefined;
  // An anonymous viewer (a hub with `http.anonymous: viewer`) has no token.
  const who =
    session && (session.token === '' ? 'you are not signed in' : `you are signed in as ${session.role}`);
  return {
    permit(change) {
      const { role, what } = CHANGES[change];
      const may = session !== undefined && roleIncludes(session.role, role);
      return { change, may, role, note: who && !may ? `${what} needs the ${role} role; ${who}.` : '' };
    },
  };
}

/** Before a view is handed the app's access: no controls, no notes. */
export const NO_ACCESS: Access = accessOf({ kind: 'checking' });
