import type { Logger } from 'pino';
import type { ActStage } from '../act/stage.ts';
import { type CameraState, startCamera } from '../capture/camera.ts';
import type { CapturedFrame, FrameSource } from '../capture/index.ts';
import { type DecisionPolicy, decideScore } from '../decide/index.ts';
import type { ModelSlot } from '../infer/model-slot.ts';
import { inferFrame } from '../infer/stage.ts';
import type { PreprocessStage } from '../preprocess/index.ts';
import type { RecordStage } from '../record/stage.ts';
import type { ShadowStage } from '../update/shadow.ts';
import { type DropCounts, noDrops } from './drops.ts';
import { createFrameSlot } from './frame-slot.ts';
import type { Inspection } from './inspection.ts';

/** The stages every camera's frames go through, built once by the agent and shared. */
export interface Stages {
  preprocess: PreprocessStage;
  models: ModelSlot;
  policy: DecisionPolicy;
  act: ActStage;
  record: RecordStage;
  /** Runs a spare model beside the live one on a share of frames (model updates), after act. */
  shadow?: ShadowStage;
}

export interface CameraPipelineOptions {
  camera: string;
  source: FrameSource;
  stallTimeoutMs: number;
  stages: Stages;
  /** Called after decide, with every inspection (stats). */
  onInspection?: (inspection: Inspection) => void;
  onStateChange: (camera: string, from: CameraState, to: CameraState, error?: Error) => void;
  log: Logger;
}

export interface CameraPipeline {
  readonly camera: string;
  readonly state: CameraState;
  counts(): { captured: number; inspected: number; dropped: DropCounts };
  /** Resolves when the source has ended and every frame is inspected, or after `stop`. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * One camera's frames through the stages, in order:
 * capture → preprocess → infer → decide → act → record (publish runs apart, from the outbox).
 * Capture runs ahead of inspection by one frame (frame-slot.ts): a live camera's frame that finds the
 * pipeline busy replaces the waiting one, and the replaced frame is counted by why it was dropped.
 */
export function startCameraPipeline(opts: CameraPipelineOptions): CameraPipeline {
  const { camera, stages, log } = opts;
  const dropped = noDrops();
  let inspected = 0;
  let waitingForRecord = false;
  let lastFailure = '';
  const slot = createFrameSlot({
    live: opts.source.live,
    onDrop: (_frame, why) => {
      dropped[why === 'ended' ? 'stopped' : waitingForRecord ? 'record_backlog' : 'pipeline_busy'] += 1;
    },
  });
  const capture = startCamera({
    id: camera,
    source: opts.source,
    sink: slot,
    stallTimeoutMs: opts.stallTimeoutMs,
    onStateChange: opts.onStateChange,
    log,
  });

  const inspect = async (captured: CapturedFrame) => {
    const model = stages.models.current();
    let inspection: Inspection;
    let shadowFrame: ReturnType<ShadowStage['select']>;
    try {
      const prepared = stages.preprocess(captured, model.manifest.input);
      const inferred = await inferFrame(prepared, model);
      shadowFrame = stages.shadow?.select(prepared, model.manifest.input);
      // The tensor is free once the model has run; the frame itself may still be sampled.
      opts.source.recycle?.(captured);
      const decision = decideScore(inferred.score, stages.policy.current());
      inspection = {
        camera,
        captured,
        inferred,
        decision,
        latency: {
          capture: captured.captureMs,
          preprocess: prepared.preprocessMs,
          infer: inferred.inferMs,
          total: captured.captureMs + (Date.now() - captured.ts),
        },
      };
    } catch (err) {
      opts.source.recycle?.(captured);
      dropped.failed += 1;
      const message = (err as Error).message;
      // One line per kind of failure, not one per frame.
      if (message !== lastFailure)
        log.error({ event: 'inspect_failed', camera, err: message }, 'frame not inspected');
      lastFailure = message;
      return;
    }
    inspected += 1;
    stages.act.act(inspection);
    // The spare model runs only once the live verdict is acted on, and the pipeline does not wait for it.
    if (shadowFrame) stages.shadow?.run(shadowFrame, inspection);
    opts.onInspection?.(inspection);
    waitingForRecord = true;
    await stages.record.record(inspection);
    waitingForRecord = false;
  };

  const inspecting = (async () => {
    for (let frame = await slot.take(); frame; frame = await slot.take()) await inspect(frame);
  })();

  const done = Promise.all([capture.done, inspecting]).then(() => undefined);
  return {
    camera,
    get state() {
      return capture.state;
    },
    counts: () => ({ captured: capture.captured, inspected, dropped: { ...dropped } }),
    done,
    async stop() {
      await capture.stop();
      await inspecting;
    },
  };
}
