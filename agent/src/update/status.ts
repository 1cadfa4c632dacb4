import type { ModelDesired, ModelStatus, Thresholds, UpdatePhase } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { DecisionPolicy, Thresholds as InForce } from '../decide/index.ts';
import type { ModelSlot } from '../infer/model-slot.ts';
import type { RaisedEvent } from '../report/events.ts';
import type { ShadowRunner } from './shadow.ts';

export type StatusDetail = Partial<Pick<ModelStatus, 'progress' | 'error' | 'code' | 'selftest'>>;

/**
 * Where an update stands (phase, the desired state it works on, the details of the phase) and the
 * model/status message that says so: sent on every phase change, and by `report` while comparing.
 */
export function createStatusReporter(o: {
  models: ModelSlot;
  shadow: ShadowRunner;
  policy: DecisionPolicy;
  send(status: ModelStatus): void;
  log: Logger;
  now(): number;
}) {
  let phase: UpdatePhase = 'active';
  let target: ModelDesired | undefined;
  let detail: StatusDetail = {};
  let last: ModelStatus | undefined;
  const inForce = (): InForce => {
    const t = o.policy.current();
    return { defect: t.defect, uncertainBand: t.uncertainBand };
  };
  const report = () => {
    const t = target?.model ?? o.models.current().identity;
    const spare = o.models.spare();
    const compare = o.shadow.snapshot();
    last = {
      ts: o.now(),
      model: { id: t.id, version: t.version },
      phase,
      ...detail,
      ...(target?.rollout ? { rollout: target.rollout } : {}),
      active: o.models.current().identity,
      ...(spare && o.shadow.current()
        ? { shadow: { id: spare.identity.id, version: spare.identity.version } }
        : {}),
      thresholds: inForce(),
      ...(compare ? { compare } : {}),
    };
    o.send(last);
  };
  return {
    get phase() {
      return phase;
    },
    get target() {
      return target;
    },
    set target(t: ModelDesired | undefined) {
      target = t;
    },
    inForce,
    report,
    last: () => last,
    /** Adds to the current phase's details (a self-test result). */
    note(more: StatusDetail) {
      detail = { ...detail, ...more };
    },
    /** Moves to a phase and says so; the self-test result stays with the phases after loading. */
    enter(next: UpdatePhase, more: StatusDetail = {}) {
      const changed = next !== phase;
      phase = next;
      const keep = next === 'loading' || next === 'shadow' || next === 'switching';
      detail = { ...(keep ? { selftest: detail.selftest } : {}), ...more };
      if (changed)
        o.log.info({ event: 'update_phase', phase: next, model: target?.model }, `model update: ${next}`);
      report();
    },
  };
}

export type StatusReporter = ReturnType<typeof createStatusReporter>;

/** Applies thresholds, raising `thresholds_changed` (audit) when they differ from those in force. */
export function applyThresholds(
  policy: DecisionPolicy,
  event: (e: RaisedEvent) => void,
  t: Thresholds,
  why: string,
): void {
  const before = policy.current();
  if (
    before.defect === t.defect &&
    (t.uncertainBand === undefined || before.uncertainBand === t.uncertainBand)
  )
    return;
  policy.set({ defect: t.defect, uncertainBand: t.uncertainBand ?? before.uncertainBand });
  event({
    kind: 'thresholds_changed',
    severity: 'info',
    message: `thresholds changed (${why}): defect ${before.defect} → ${t.defect}`,
    detail: { from: { ...before }, to: { ...t }, why },
  });
}
