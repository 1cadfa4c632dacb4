import type { RegionResult, Verdict } from '@sightline/protocol';
import type { CapturedFrame } from '../capture/index.ts';
import { type Decision, decideScore, type Thresholds } from '../decide/index.ts';
import { type Inferred, inferFrame } from '../infer/stage.ts';
import type { PreprocessStage } from '../preprocess/index.ts';
import type { RegionPlan } from '../recipes/recipe-book.ts';
import { regionImage } from '../regions/crop.ts';

const RANK: Record<Verdict, number> = { ok: 0, uncertain: 1, defect: 2 };

export interface PartOutcome {
  /** The deciding region's inference and decision: the worst verdict, then the highest score. */
  inferred: Inferred;
  decision: Decision;
  /** Each region's outcome (a camera with regions). */
  regions?: RegionResult[];
  preprocessMs: number;
  inferMs: number;
}

/**
 * Runs a chosen frame's regions through their models (preprocess → infer → decide each) and combines
 * them: any region's defect is the part's defect. A camera without regions runs the whole frame.
 */
export async function inspectRegions(
  captured: CapturedFrame,
  plans: readonly RegionPlan[],
  thresholds: Thresholds,
  preprocess: PreprocessStage,
): Promise<PartOutcome> {
  let deciding: { inferred: Inferred; decision: Decision } | undefined;
  const regions: RegionResult[] = [];
  let preprocessMs = 0;
  let inferMs = 0;
  for (const plan of plans) {
    const model = plan.models.current();
    const frame = plan.config
      ? { ...captured, frame: regionImage(captured.frame, plan.config), input: undefined }
      : captured;
    const prepared = preprocess(frame, model.manifest.input);
    const inferred = await inferFrame(prepared, model);
    const decision = decideScore(
      inferred.score,
      plan.threshold === undefined ? thresholds : { ...thresholds, defect: plan.threshold },
    );
    preprocessMs += prepared.preprocessMs;
    inferMs += inferred.inferMs;
    if (plan.config) {
      regions.push({
        name: plan.name,
        verdict: decision.verdict,
        score: decision.score,
        threshold: decision.threshold,
        ...(plan.config.model ? { model: inferred.model } : {}),
        ...(inferred.classes ? { classes: inferred.classes } : {}),
        ...(inferred.boxes ? { boxes: inferred.boxes.slice(0, 64) } : {}),
      });
    }
    const worse =
      !deciding ||
      RANK[decision.verdict] > RANK[deciding.decision.verdict] ||
      (RANK[decision.verdict] === RANK[deciding.decision.verdict] &&
        decision.score > deciding.decision.score);
    if (worse) deciding = { inferred, decision };
  }
  if (!deciding) throw new Error('a camera needs at least one region to inspect');
  return { ...deciding, ...(regions.length ? { regions } : {}), preprocessMs, inferMs };
}
