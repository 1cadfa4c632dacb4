import { describe, expect, it } from 'vitest';
import type { AuthState } from './auth.ts';
import { accessOf } from './permissions.ts';

const as = (role: 'viewer' | 'qc-lead' | 'engineer' | 'admin', token = 't1'): AuthState => ({
  kind: 'signed-in',
  session: { name: 'vera', role, token, expires: null },
});

describe('accessOf', () => {
  it('lets a role make the changes its role and the roles below it may', () => {
    const lead = accessOf(as('qc-lead'));
    expect(lead.permit('label')).toEqual({ change: 'label', may: true, role: 'qc-lead', note: '' });
    expect(lead.permit('go-live').may).toBe(true);
    expect(lead.permit('roll-out').may).toBe(false);
    expect(lead.permit('alarm-rules').may).toBe(false);
    expect(accessOf(as('engineer')).permit('alarm-rules').may).toBe(false);
    expect(accessOf(as('admin')).permit('alarm-rules').may).toBe(true);
    expect(accessOf(as('admin')).permit('label').may).toBe(true);
  });

  it('tells people below the role, plainly, which role the change needs and who they are', () => {
    expect(accessOf(as('viewer')).permit('start-pilot').note).toBe(
      'Changing modes needs the qc-lead role; you are signed in as viewer.',
    );
    expect(accessOf(as('qc-lead')).permit('alarm-rules').note).toBe(
      'Changing alarm rules and webhooks needs the admin role; you are signed in as qc-lead.',
    );
    // A hub that lets requests without a token read as a viewer.
    expect(accessOf(as('viewer', '')).permit('label').note).toBe(
      'Labelling images needs the qc-lead role; you are not signed in.',
    );
  });

  it('shows neither control nor note until the hub has said who this is', () => {
    for (const state of [{ kind: 'checking' }, { kind: 'required', reason: 'sign in' }] as AuthState[]) {
      expect(accessOf(state).permit('alarm-ack')).toEqual({
        change: 'alarm-ack',
        may: false,
        role: 'qc-lead',
        note: '',
      });
    }
  });
});
