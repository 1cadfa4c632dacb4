import type { ModelIdentity } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { DecisionPolicy, Thresholds } from '../decide/index.ts';
import type { ActiveModel, ModelSlot } from '../infer/model-slot.ts';
import type { RaisedEvent } from '../report/events.ts';
import { sameModel, type UpdateRefused } from './checks.ts';
import type { ShadowRunner } from './shadow.ts';
import type { StatusReporter } from './status.ts';
import type { ModelStore, SlotId } from './store.ts';

export interface RollbackContext {
  store: ModelStore;
  models: ModelSlot;
  shadow: ShadowRunner;
  probation: { stop(): void };
  loadSlot(slot: SlotId): Promise<ActiveModel>;
  /** The model a slot holds on disk (the factory model for `factory`). */
  modelIn(slot: SlotId): ModelIdentity;
  policy: DecisionPolicy;
  /** Thresholds the model being rolled back replaced; back in force. */
  previousThresholds: Thresholds | undefined;
  event(event: RaisedEvent): void;
  log: Logger;
  enter: StatusReporter['enter'];
}

/** Goes back to the last good model (the spare slot, or the pointer's previous) and remembers why. */
export async function rollBack(
  c: RollbackContext,
  code: UpdateRefused['code'],
  reason: string,
): Promise<void> {
  const { store, models, shadow, probation, log } = c;
  const p = store.pointer();
  const bad = p.active === 'factory' ? null : p.slots[p.active];
  probation.stop();
  shadow.plan(undefined);
  const back: SlotId = p.previous ?? 'factory';
  // The spare holds the last good model, unless a newer desired state loaded its candidate there meanwhile:
  // going back means running what the pointer will name, so a spare holding anything else is not it.
  const spare = models.spare();
  const previous =
    spare && back !== p.active && sameModel(spare.identity, c.modelIn(back)) ? spare : await c.loadSlot(back);
  await store.writePointer({ ...p, active: back, previous: null, probation: null });
  if (bad) {
    const trust = store.trust();
    await store.writeTrust({
      ...trust,
      bad: [...trust.bad, { bundle: bad.bundle, model: `${bad.model.id} ${bad.model.version}`, reason }],
    });
  }
  const failed = models.current().identity;
  if (previous && previous !== models.spare()) await models.setSpare(previous);
  models.promote();
  await models.setSpare(undefined);
  if (c.previousThresholds) c.policy.set({ ...c.policy.current(), ...c.previousThresholds });
  log.error(
    { event: 'model_rolled_back', model: failed, code, reason },
    `rolled back ${failed.id} ${failed.version}: ${reason}`,
  );
  c.event({
    kind: 'model_rolled_back',
    severity: 'critical',
    message: `model ${failed.id} ${failed.version} rolled back to ${models.current().identity.id} ${models.current().identity.version}: ${reason}`,
    detail: { code, model: failed, to: models.current().identity },
  });
  c.enter('rolled-back', { code, error: reason });
}
