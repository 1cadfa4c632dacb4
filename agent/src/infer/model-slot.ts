import type { Manifest } from '@sightline/models';
import type { ModelIdentity } from '@sightline/protocol';
import type { OutputDecoding } from './decode.ts';
import type { InferenceEngine } from './engine.ts';

/** A loaded model ready to run: its engine, manifest and how to read its outputs. */
export interface ActiveModel {
  identity: ModelIdentity;
  manifest: Manifest;
  engine: InferenceEngine;
  decoding: OutputDecoding;
}

/**
 * Holds the model the pipeline runs (`current`) and a spare beside it: a candidate being compared in
 * shadow, or after a switch the model it replaced (the last good one, kept loaded so going back costs
 * nothing). Each frame reads `current()` once, so a change takes effect between frames and every
 * result names the model that made it.
 */
export interface ModelSlot {
  current(): ActiveModel;
  spare(): ActiveModel | undefined;
  /** Puts `next` in the spare slot; what was there is closed once its runs in progress are done. */
  setSpare(next: ActiveModel | undefined): Promise<void>;
  /** Exchanges current and spare in one step (no frame sees neither); throws when the spare is empty. */
  promote(): void;
  /** Puts `next` in the slot; the previous engine is closed once its runs in progress are done. */
  swap(next: ActiveModel): Promise<void>;
  close(): Promise<void>;
}

export function createModelSlot(initial: ActiveModel): ModelSlot {
  let active = initial;
  let spare: ActiveModel | undefined;
  const release = async (m: ActiveModel | undefined) => {
    if (m && m.engine !== active.engine && m.engine !== spare?.engine) await m.engine.close();
  };
  return {
    current: () => active,
    spare: () => spare,
    async setSpare(next) {
      const previous = spare;
      spare = next;
      await release(previous);
    },
    promote() {
      if (!spare) throw new Error('no model in the spare slot to promote');
      [active, spare] = [spare, active];
    },
    async swap(next) {
      const previous = active;
      active = next;
      await release(previous);
    },
    async close() {
      await active.engine.close();
      if (spare && spare.engine !== active.engine) await spare.engine.close();
    },
  };
}
