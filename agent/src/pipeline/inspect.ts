import type { Manifest } from '@sightline/models';
import { preprocessFrame } from '@sightline/models';
import type { CapturedFrame } from '../capture/index.ts';
import type { InferenceEngine } from '../infer/index.ts';

/** One frame through preprocess and inference, with the time each stage took. */
export interface Inspection {
  captured: CapturedFrame;
  score: number;
  latency: { capture: number; preprocess: number; infer: number };
}

export async function inspectFrame(
  captured: CapturedFrame,
  engine: InferenceEngine,
  manifest: Manifest,
): Promise<Inspection> {
  const t0 = performance.now();
  const tensor = preprocessFrame(captured.frame, manifest.input);
  const t1 = performance.now();
  const output = await engine.run(tensor, manifest.input.shape);
  const t2 = performance.now();
  return {
    captured,
    score: output[0] ?? Number.NaN,
    latency: { capture: captured.captureMs, preprocess: t1 - t0, infer: t2 - t1 },
  };
}
