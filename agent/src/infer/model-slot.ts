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
 * Holds the model the pipeline runs. Each frame reads `current()` once, so `swap` takes effect between
 * frames and every result names the model that made it. (Model updates and a shadow slot build on it.)
 */
export interface ModelSlot {
  current(): ActiveModel;
  /** Puts `next` in the slot; the previous engine is closed once its runs in progress are done. */
  swap(next: ActiveModel): Promise<void>;
  close(): Promise<void>;
}

export function createModelSlot(initial: ActiveModel): ModelSlot {
  let active = initial;
  return {
    current: () => active,
    async swap(next) {
      const previous = active;
      active = next;
      if (previous.engine !== next.engine) await previous.engine.close();
    },
    close: () => active.engine.close(),
  };
}
