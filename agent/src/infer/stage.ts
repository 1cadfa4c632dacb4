import type { ModelRef } from '@sightline/protocol';
import type { PreparedFrame } from '../preprocess/index.ts';
import { type Decoded, decodeOutputs } from './decode.ts';
import type { ActiveModel } from './model-slot.ts';

/** What the model made of one frame. */
export interface Inferred extends Decoded {
  model: ModelRef;
  /** Inference and output decoding, ms. */
  inferMs: number;
}

/** The infer stage: runs the model on a prepared frame and decodes its outputs by the manifest. */
export async function inferFrame(prepared: PreparedFrame, model: ActiveModel): Promise<Inferred> {
  const { manifest } = model;
  const { frame } = prepared.captured;
  const start = performance.now();
  const outputs = await model.engine.run(prepared.tensor, manifest.input.shape);
  const decoded = decodeOutputs(outputs, model.decoding, {
    inputW: manifest.input.shape[3] ?? frame.width,
    inputH: manifest.input.shape[2] ?? frame.height,
    frameW: frame.width,
    frameH: frame.height,
  });
  return {
    ...decoded,
    model: { id: model.identity.id, version: model.identity.version },
    inferMs: performance.now() - start,
  };
}
