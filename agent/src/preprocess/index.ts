import { createPreprocessor, type ManifestInput, type Preprocessor } from '@sightline/models';
import type { CapturedFrame } from '../capture/index.ts';

/** A frame with its model input tensor. */
export interface PreparedFrame {
  captured: CapturedFrame;
  tensor: Float32Array;
  /** Time preprocessing took, ms (where it ran: a capture thread or this one). */
  preprocessMs: number;
}

/** Identifies a model input spec: a tensor made for another spec (before a model switch) is redone. */
export function inputKey(input: ManifestInput): string {
  return JSON.stringify([input.shape, input.layout, input.colour, input.resize, input.mean, input.std]);
}

export type PreprocessStage = (captured: CapturedFrame, input: ManifestInput) => PreparedFrame;

/**
 * The preprocess stage: the manifest's colour, resize and normalisation (`@sightline/models`
 * createPreprocessor, the code training uses). A frame preprocessed in its capture thread for this
 * very input spec is taken as it is.
 */
export function createPreprocessStage(): PreprocessStage {
  const byKey = new Map<string, Preprocessor>();
  return (captured, input) => {
    const key = inputKey(input);
    if (captured.input?.key === key) {
      return { captured, tensor: captured.input.tensor, preprocessMs: captured.input.ms };
    }
    let run = byKey.get(key);
    if (!run) {
      run = createPreprocessor(input);
      byKey.set(key, run);
    }
    const start = performance.now();
    const tensor = run(captured.frame);
    return { captured, tensor, preprocessMs: performance.now() - start };
  };
}
