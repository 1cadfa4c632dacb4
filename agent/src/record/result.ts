import type { InspectionResultInput } from '@sightline/protocol';
import type { Inspection } from '../pipeline/inspection.ts';

/** The result message for one inspection, before the recorder gives it its `seq`. */
export function resultOf(
  { camera, captured, inferred, decision, latency, part, trigger, recipe, regions, truth }: Inspection,
  image?: string,
): Omit<InspectionResultInput, 'seq'> {
  const known = truth ?? captured.truth;
  return {
    // Whole ms on the wire; a simulated clock's frame times are fractional.
    ts: Math.round(captured.ts),
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
    ...(known ? { truth: known } : {}),
    ...(part ? { part } : {}),
    ...(trigger
      ? {
          trigger: {
            kind: trigger.kind,
            ts: Math.round(trigger.ts),
            delay: Math.round(trigger.delay * 10) / 10,
          },
        }
      : {}),
    ...(recipe ? { recipe } : {}),
    ...(regions ? { regions } : {}),
  };
}
