import type { Manifest } from '@sightline/models';
import { preprocessFrame } from '@sightline/models';
import type { CapturedFrame } from '../capture/index.ts';
import { type Decoded, decodeOutputs, type OutputDecoding } from '../infer/decode.ts';
import type { InferenceEngine } from '../infer/index.ts';

/** One frame through preprocess, inference and output decoding, with the time each stage took. */
export interface Inspection extends Decoded {
  captured: CapturedFrame;
  latency: { capture: number; preprocess: number; infer: number };
}

export async function inspectFrame(
  captured: CapturedFrame,
  engine: InferenceEngine,
  manifest: Manifest,
  decoding: OutputDecoding,
): Promise<Inspection> {
  const t0 = performance.now();
  const tensor = preprocessFrame(captured.frame, manifest.input);
  const t1 = performance.now();
  const outputs = await engine.run(tensor, manifest.input.shape);
  const decoded = decodeOutputs(outputs, decoding, {
    inputW: manifest.input.shape[3] ?? captured.frame.width,
    inputH: manifest.input.shape[2] ?? captured.frame.height,
    frameW: captured.frame.width,
    frameH: captured.frame.height,
  });
  const t2 = performance.now();
  return {
    captured,
    ...decoded,
    latency: { capture: captured.captureMs, preprocess: t1 - t0, infer: t2 - t1 },
  };
}
