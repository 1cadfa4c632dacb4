import type { InspectionResultInput } from '@sightline/protocol';
import type { Inspection } from '../pipeline/inspection.ts';

/** The result message for one inspection, before the recorder gives it its `seq`. */
export function resultOf(
  { camera, captured, inferred, decision, latency, mode }: Inspection,
  image?: string,
): Omit<InspectionResultInput, 'seq'> {
  return {
    ts: captured.ts,
    frame: captured.id,
    camera,
    model: inferred.model,
    verdict: decision.verdict,
    score: decision.score,
    threshold: decision.threshold,
    latency,
    ...(image ? { image } : {}),
    ...(inferred.classes ? { classes: inferred.classes } : {}),
    ...(inferred.boxes ? { boxes: inferred.boxes } : {}),
    ...(captured.truth ? { truth: captured.truth } : {}),
    ...(mode ? { mode } : {}),
  };
}
