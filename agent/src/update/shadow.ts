import type { ManifestInput } from '@sightline/models';
import type { InspectionResultInput, ModelRef } from '@sightline/protocol';
import type { Logger } from 'pino';
import { decideScore, type Thresholds } from '../decide/index.ts';
import type { ActiveModel, ModelSlot } from '../infer/model-slot.ts';
import { inferFrame } from '../infer/stage.ts';
import type { Inspection } from '../pipeline/inspection.ts';
import type { PreparedFrame, PreprocessStage } from '../preprocess/index.ts';
import { inputKey } from '../preprocess/index.ts';
import { type Comparison, createComparison, type Judged } from './compare.ts';

const sameModel = (a: ModelRef, b: ModelRef) => a.id === b.id && a.version === b.version;

/** A frame chosen for comparison: a copy of its tensor, and the input spec it was made for. */
export interface ShadowFrame {
  prepared: PreparedFrame;
  input: ManifestInput;
}

/** The pipeline's view of shadow comparison (pipeline/camera-pipeline.ts calls it once per frame). */
export interface ShadowStage {
  /** For a frame chosen for comparison, a copy of its tensor (the pipeline recycles the original). */
  select(prepared: PreparedFrame, input: ManifestInput): ShadowFrame | undefined;
  /** Runs the spare model on the copy after the live verdict was acted on; the pipeline does not wait for it. */
  run(frame: ShadowFrame, inspection: Inspection): void;
}

export interface ShadowPlan {
  share: number;
  /** The model being replaced and the rollout's model; either may be the spare. */
  baseline: ModelRef;
  candidate: ModelRef;
  /** Thresholds the spare model's verdicts are judged by. */
  spareThresholds: Thresholds;
}

/**
 * Runs the spare model (models.spare()) beside the live one on a share of frames, off the inspection path:
 * the live verdict is acted on first, then the spare model runs on a copy of the same input while the
 * pipeline goes on. At most one comparison runs at a time; a frame chosen while one runs is skipped and
 * counted, so shadow work never queues up behind the live path. Each comparison is recorded as a result
 * marked `shadow` with the live verdict beside it, and summed into the comparison the gates read.
 */
export function createShadowRunner(deps: {
  models: ModelSlot;
  preprocess: PreprocessStage;
  record: (result: Omit<InspectionResultInput, 'seq'>) => Promise<unknown>;
  log: Logger;
}) {
  let plan: ShadowPlan | undefined;
  let comparison: Comparison | undefined;
  let credit = 0;
  let running: Promise<void> | undefined;
  let lastError = '';

  async function compare(
    frame: ShadowFrame,
    inspection: Inspection,
    spare: ActiveModel,
    p: ShadowPlan,
    c: Comparison,
  ) {
    const spareIsCandidate = sameModel(spare.identity, p.candidate);
    const live: Judged = {
      verdict: inspection.decision.verdict,
      score: inspection.decision.score,
      inferMs: inspection.inferred.inferMs,
    };
    // A spare model with another input spec gets the frame preprocessed for it (the image is still there).
    const prepared =
      inputKey(spare.manifest.input) === inputKey(frame.input)
        ? frame.prepared
        : deps.preprocess({ ...frame.prepared.captured, input: undefined }, spare.manifest.input);
    let inferred: Awaited<ReturnType<typeof inferFrame>>;
    try {
      inferred = await inferFrame(prepared, spare);
    } catch (err) {
      if (spareIsCandidate) c.candidateError();
      const message = (err as Error).message;
      if (message !== lastError)
        deps.log.warn({ event: 'shadow_failed', err: message }, 'shadow inference failed');
      lastError = message;
      return;
    }
    const decision = decideScore(inferred.score, p.spareThresholds);
    const judged: Judged = { verdict: decision.verdict, score: decision.score, inferMs: inferred.inferMs };
    if (spareIsCandidate) c.add(live, judged);
    else c.add(judged, live);
    const { captured } = frame.prepared;
    await deps.record({
      ts: captured.ts,
      frame: captured.id,
      camera: inspection.camera,
      model: inferred.model,
      verdict: decision.verdict,
      score: decision.score,
      threshold: decision.threshold,
      latency: { ...inspection.latency, infer: inferred.inferMs },
      shadow: true,
      live: {
        model: inspection.inferred.model,
        verdict: inspection.decision.verdict,
        score: inspection.decision.score,
      },
      ...(captured.truth ? { truth: captured.truth } : {}),
    });
  }

  const stage: ShadowStage = {
    select(prepared, input) {
      if (!plan || !deps.models.spare()) return undefined;
      // Every 1/share-th frame, evenly spread (a share of 0.25 compares every fourth frame).
      credit += plan.share;
      if (credit < 1) return undefined;
      credit -= 1;
      return { prepared: { ...prepared, tensor: Float32Array.from(prepared.tensor) }, input };
    },
    run(frame, inspection) {
      const p = plan;
      const c = comparison;
      const spare = deps.models.spare();
      if (!p || !c || !spare) return;
      const liveRef = inspection.inferred.model;
      const pairOk =
        (sameModel(liveRef, p.baseline) && sameModel(spare.identity, p.candidate)) ||
        (sameModel(liveRef, p.candidate) && sameModel(spare.identity, p.baseline));
      if (!pairOk) return;
      if (running) {
        c.skip();
        return;
      }
      running = compare(frame, inspection, spare, p, c)
        .catch((err: Error) =>
          deps.log.error({ event: 'shadow_record_failed', err: err.message }, 'shadow result not recorded'),
        )
        .finally(() => {
          running = undefined;
        });
    },
  };

  return {
    stage,
    /** Starts comparing (a fresh comparison), or stops with undefined. */
    plan(next: ShadowPlan | undefined) {
      plan = next;
      credit = 0;
      comparison = next ? createComparison(next.baseline, next.candidate) : undefined;
    },
    /** Changes the share without resetting the sums. */
    setShare(share: number) {
      if (plan) plan = { ...plan, share };
    },
    current: () => plan,
    snapshot: () => comparison?.snapshot(),
    /** Resolves when the comparison in progress (if any) is done. */
    idle: () => running ?? Promise.resolve(),
  };
}

export type ShadowRunner = ReturnType<typeof createShadowRunner>;
