import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type VerifiedBundle, verifyBundle } from '@sightline/models';
import type { ModelIdentity } from '@sightline/protocol';
import type { Logger } from 'pino';
import { AgentError } from '../errors.ts';
import type { ActiveModel } from '../infer/model-slot.ts';
import type { ModelStore, Pointer, SlotId, SlotName } from './store.ts';

/** Something the boot had to do about the pointer, reported once the session is up. */
export interface BootNote {
  model: ModelIdentity;
  code: 'SL_PROBATION_FAILED' | 'SL_MODEL_LOAD_FAILED';
  reason: string;
}

/**
 * Reads and checks an installed slot: signature and hashes again (a disk can rot; the agent runs only what
 * verifies), expiry as of installation (a model does not stop at its bundle's expiry), and the model the
 * pointer says is there.
 */
export async function readInstalled(
  store: ModelStore,
  slot: SlotName,
  keys: readonly KeyObject[],
): Promise<VerifiedBundle> {
  const content = store.pointer().slots[slot];
  if (!content) throw new AgentError('SL_MODEL_LOAD_FAILED', `slot ${slot} holds no model`);
  const bytes = new Uint8Array(await readFile(store.slotPath(slot)));
  const verified = verifyBundle(bytes, keys, content.installedTs);
  if (verified.sha256 !== content.bundle) {
    throw new AgentError(
      'SL_MODEL_LOAD_FAILED',
      `slot ${slot} holds bundle ${verified.sha256.slice(0, 12)}…, not ${content.bundle.slice(0, 12)}…`,
    );
  }
  return verified;
}

const fallBack = (p: Pointer): Pointer => ({
  ...p,
  active: p.previous && p.previous !== p.active ? p.previous : 'factory',
  previous: null,
  probation: null,
});

/**
 * Picks and loads the model to run at start-up. A model on probation counts its starts in the pointer; past
 * `maxBoots` (a crash loop) the last good model is restored and the bundle remembered as bad. A slot that no
 * longer verifies or loads gives way to the last good one, then to the factory model.
 */
export async function bootActiveModel(o: {
  store: ModelStore;
  maxBoots: number;
  load(slot: SlotId): Promise<ActiveModel>;
  log: Logger;
}): Promise<{ model: ActiveModel; notes: BootNote[] }> {
  const { store, log } = o;
  const notes: BootNote[] = [];
  const remember = async (slot: SlotId, code: BootNote['code'], reason: string) => {
    const content = slot === 'factory' ? null : store.pointer().slots[slot];
    if (!content) return;
    notes.push({ model: content.model, code, reason });
    const trust = store.trust();
    await store.writeTrust({
      ...trust,
      bad: [
        ...trust.bad,
        { bundle: content.bundle, model: `${content.model.id} ${content.model.version}`, reason },
      ],
    });
  };
  let p = store.pointer();
  if (p.probation) {
    const boots = p.probation.boots + 1;
    if (boots > o.maxBoots) {
      const reason = `${boots - 1} starts during probation (a crash loop); back to the last good model`;
      log.error({ event: 'crash_loop', slot: p.active, boots: boots - 1 }, reason);
      await remember(p.active, 'SL_PROBATION_FAILED', reason);
      p = fallBack(p);
    } else p = { ...p, probation: { ...p.probation, boots } };
    await store.writePointer(p);
  }
  for (;;) {
    try {
      return { model: await o.load(p.active), notes };
    } catch (err) {
      if (p.active === 'factory') throw err;
      const reason = `slot ${p.active} could not be loaded: ${(err as Error).message}`;
      log.error({ event: 'model_boot_failed', slot: p.active, err: (err as Error).message }, reason);
      await remember(p.active, 'SL_MODEL_LOAD_FAILED', reason);
      p = fallBack(p);
      await store.writePointer(p);
    }
  }
}
