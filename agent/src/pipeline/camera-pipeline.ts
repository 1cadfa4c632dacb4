import type { Logger } from 'pino';
import type { ActStage } from '../act/stage.ts';
import { type CameraState, startCamera } from '../capture/camera.ts';
import type { FrameSource } from '../capture/index.ts';
import type { PartIdentity } from '../identity/part-identity.ts';
import type { LineClock } from '../line/clock.ts';
import type { PreprocessStage } from '../preprocess/index.ts';
import type { RecordStage } from '../record/stage.ts';
import type { TriggerKind } from '../trigger/config.ts';
import type { Missed, Selected, SelectStage } from '../trigger/select-stage.ts';
import { type DropCounts, noDrops } from './drops.ts';
import { createFrameSlot } from './frame-slot.ts';
import { inspectRegions } from './inspect-part.ts';
import type { Inspection } from './inspection.ts';
import { createPartQueue } from './part-queue.ts';
import { truthAt } from './truth.ts';

/** The stages a camera's parts go through; preprocess and record are shared by the agent's cameras. */
export interface Stages {
  preprocess: PreprocessStage;
  select: SelectStage;
  act: ActStage;
  record: RecordStage;
  identity: PartIdentity;
  clock: LineClock;
}

export interface CameraPipelineOptions {
  camera: string;
  source: FrameSource;
  stallTimeoutMs: number;
  stages: Stages;
  /** Part ids and trigger fields on free-running frames too (identity from code or counter). */
  identifyFrames?: boolean;
  /** Called after decide, with every inspection (stats, the PLC). */
  onInspection?: (inspection: Inspection) => void;
  /** A part with no usable frame (counted; never a silent gap). */
  onMissed?: (missed: Missed) => void;
  onStateChange: (camera: string, from: CameraState, to: CameraState, error?: Error) => void;
  log: Logger;
}

export interface PipelineCounts {
  captured: number;
  inspected: number;
  dropped: DropCounts;
  parts: { triggered: number; inspected: number; missed: number; late: number };
}

export interface CameraPipeline {
  readonly camera: string;
  readonly state: CameraState;
  counts(): PipelineCounts;
  /** A trigger from an input (GPIO, MQTT, HTTP, PLC); ignored unless the camera's trigger is that kind. */
  trigger(from: TriggerKind, part?: string): void;
  /** Resolves when the source has ended and every part is inspected and acted on, or after `stop`. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
  /** After stop: drops actions still waiting for their gate (returned: how many) and waits for running ones. */
  close(): Promise<number>;
}

/**
 * One camera's parts through the stages, in order:
 * capture → select (trigger: which frames are parts) → preprocess → infer → decide (per region) → act → record.
 * Capture runs ahead by one frame (frame-slot.ts). Free-running cameras inspect frame by frame, dropping
 * (and counting) frames a live camera made while the pipeline was busy, as before parts existed. With a
 * trigger every frame is looked at and the parts found wait in a queue for inspection; recorded and
 * simulated sources wait for each part's inspection, so their results never depend on the machine's speed.
 */
export function startCameraPipeline(opts: CameraPipelineOptions): CameraPipeline {
  const { camera, stages, log, source } = opts;
  const { select, clock } = stages;
  const dropped = noDrops();
  let inspected = 0;
  let missed = 0;
  let waitingForRecord = false;
  let lastFailure = '';
  const arrived = new WeakMap<object, number>();
  const slot = createFrameSlot({
    live: source.live,
    onDrop: (_frame, why) => {
      dropped[why === 'ended' ? 'stopped' : waitingForRecord ? 'record_backlog' : 'pipeline_busy'] += 1;
    },
  });
  const capture = startCamera({
    id: camera,
    source,
    sink: slot,
    stallTimeoutMs: opts.stallTimeoutMs,
    onStateChange: opts.onStateChange,
    log,
  });
  const freeRun = select.kind === 'free-run';
  const identify = !freeRun || opts.identifyFrames === true;
  const report = (list: Missed[]) => {
    for (const m of list) {
      missed += 1;
      opts.onMissed?.(m);
    }
  };

  const inspect = async ({ trigger, captured, bound: recipe }: Selected) => {
    const plan = recipe.camera(camera);
    let inspection: Inspection;
    try {
      const [part, outcome] = await Promise.all([
        identify ? stages.identity.identify(trigger, captured) : undefined,
        inspectRegions(captured, plan.regions, recipe.policy.current(), stages.preprocess),
      ]);
      // The tensor is free once the model has run; the frame itself may still be sampled.
      source.recycle?.(captured);
      const since = clock.simulated
        ? performance.now() - (arrived.get(captured) ?? performance.now())
        : Date.now() - captured.ts;
      const truth = truthAt(captured, plan.regions);
      const hardware = captured.signals?.trigger !== undefined;
      inspection = {
        camera,
        captured,
        inferred: outcome.inferred,
        decision: outcome.decision,
        latency: {
          capture: captured.captureMs,
          preprocess: outcome.preprocessMs,
          infer: outcome.inferMs,
          total: captured.captureMs + Math.max(0, since),
        },
        recipe: recipe.id,
        ...(part ? { part } : {}),
        ...(identify || hardware ? { trigger: { ...trigger, delay: captured.ts - trigger.ts } } : {}),
        ...(outcome.regions ? { regions: outcome.regions } : {}),
        ...(truth ? { truth } : {}),
      };
    } catch (err) {
      source.recycle?.(captured);
      dropped.failed += 1;
      const message = (err as Error).message;
      // One line per kind of failure, not one per frame.
      if (message !== lastFailure)
        log.error({ event: 'inspect_failed', camera, err: message }, 'part not inspected');
      lastFailure = message;
      return;
    }
    inspected += 1;
    stages.act.act(inspection);
    opts.onInspection?.(inspection);
    waitingForRecord = true;
    await stages.record.record(inspection);
    waitingForRecord = false;
  };

  const queue = createPartQueue({
    inspect,
    onOverflow: (p) => report([{ trigger: p.trigger, bound: p.bound, why: 'no-frame-near' }]),
  });
  // A live camera's parts wait in the queue while frames keep coming; anything else waits for each part.
  const waitEach = !source.live || freeRun;
  const selecting = (async () => {
    for (let frame = await slot.take(); frame; frame = await slot.take()) {
      arrived.set(frame, performance.now());
      const parts = select.frame(frame);
      report(select.missed(clock.now()));
      for (const p of parts) queue.push(p);
      if (waitEach) await queue.idle();
    }
    report(select.end());
    await queue.idle();
    // A simulated line runs on after the last frame until every part in flight has reached its gate.
    if (clock.simulated) clock.advance(Number.POSITIVE_INFINITY);
  })();
  // A live camera that falls silent still has to give up on the parts it was triggered for.
  const expiry =
    source.live && !freeRun ? setInterval(() => report(select.missed(clock.now())), 250) : undefined;

  const done = Promise.all([capture.done, selecting]).then(() => {
    clearInterval(expiry);
  });
  return {
    camera,
    get state() {
      return capture.state;
    },
    counts: () => ({
      captured: capture.captured,
      inspected,
      dropped: { ...dropped },
      parts: { triggered: select.triggered(), inspected, missed, late: stages.act.late() },
    }),
    trigger(from, part) {
      if (from !== select.kind) {
        log.warn(
          { event: 'trigger_ignored', camera, from, trigger: select.kind },
          `camera ${camera} is triggered by ${select.kind}, not ${from}`,
        );
        return;
      }
      for (const p of select.trigger(from, part)) queue.push(p);
      report(select.missed(clock.now()));
    },
    done,
    async stop() {
      await capture.stop();
      await selecting;
      clearInterval(expiry);
    },
    async close() {
      const dropped = await stages.act.close();
      if (dropped)
        log.warn(
          { event: 'actions_dropped', camera, count: dropped },
          'stopped with actions waiting for their gate',
        );
      return dropped;
    },
  };
}
