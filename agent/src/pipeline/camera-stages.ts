import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Action } from '../act/action.ts';
import type { ActionConfig } from '../act/config.ts';
import { createActStage, type LateVerdict } from '../act/stage.ts';
import type { FrameSource } from '../capture/index.ts';
import { loadOpenCv } from '../capture/opencv-source.ts';
import type { CameraConfig } from '../config/index.ts';
import { AgentError } from '../errors.ts';
import { createPartIdentity } from '../identity/part-identity.ts';
import { loadZxing } from '../identity/zxing.ts';
import {
  createRealClock,
  createSimulatedClock,
  createSteppedScheduler,
  type SteppedScheduler,
} from '../line/clock.ts';
import { createSeqCounter } from '../outbox/index.ts';
import type { PreprocessStage } from '../preprocess/index.ts';
import type { RecipeBook } from '../recipes/recipe-book.ts';
import type { RecordStage } from '../record/stage.ts';
import { createPresenceDetector } from '../trigger/presence.ts';
import { createSelectStage } from '../trigger/select-stage.ts';
import type { Stages } from './camera-pipeline.ts';

/**
 * A camera's own stages around the shared ones: its line clock (the wall clock, or the frames' for a
 * simulated conveyor), its encoder, select (trigger), act (its actions, timed to its reject gate) and
 * part identity (its counter lives in the state dir).
 */
export async function cameraStages(opts: {
  camera: CameraConfig;
  source: FrameSource;
  recipes: RecipeBook;
  actions: readonly { config: ActionConfig; action: Action }[];
  preprocess: PreprocessStage;
  record: RecordStage;
  stateDir: string;
  onLate: (late: LateVerdict) => void;
  log: Logger;
}): Promise<Stages & { encoder?: SteppedScheduler }> {
  const { camera, log } = opts;
  const clock = opts.source.simulated ? createSimulatedClock() : createRealClock();
  const encoder = camera.encoder ? createSteppedScheduler(0) : undefined;
  let presence: ReturnType<typeof createPresenceDetector> | undefined;
  if (camera.trigger.kind === 'presence') {
    const cv = await loadOpenCv().catch((err: Error) => {
      throw new AgentError(
        'SL_TRIGGER_UNAVAILABLE',
        `camera ${camera.id}: the presence trigger (cameras[].trigger.kind) finds parts with OpenCV, which is not available. ${err.message}`,
      );
    });
    presence = createPresenceDetector(cv, camera.trigger);
  }
  // The code reader compiles its wasm on first use: do it now, not on the first part.
  if (camera.identity.from === 'code') await loadZxing();
  return {
    clock,
    ...(encoder ? { encoder } : {}),
    preprocess: opts.preprocess,
    record: opts.record,
    select: createSelectStage({
      camera: camera.id,
      trigger: camera.trigger,
      recipes: opts.recipes,
      clock,
      ...(encoder ? { encoder } : {}),
      ...(presence ? { presence } : {}),
      log,
    }),
    act: createActStage({
      camera: camera.id,
      actions: opts.actions,
      clock,
      ...(encoder ? { encoder } : {}),
      onLate: opts.onLate,
      log,
    }),
    identity: createPartIdentity({
      camera: camera.id,
      config: camera.identity,
      counter: await createSeqCounter(join(opts.stateDir, 'parts', camera.id)),
    }),
  };
}
