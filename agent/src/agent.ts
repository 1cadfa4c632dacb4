import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { createActions } from './act/index.ts';
import { createActStage } from './act/stage.ts';
import type { CameraState } from './capture/camera.ts';
import { createCaptureThread } from './capture/thread/capture-thread.ts';
import type { AgentConfig } from './config/index.ts';
import { createDecisionPolicy } from './decide/index.ts';
import { createFileOutbox, createSeqCounter } from './outbox/index.ts';
import { type CameraPipeline, startCameraPipeline } from './pipeline/camera-pipeline.ts';
import { sourceFor } from './pipeline/source-for.ts';
import { createPreprocessStage } from './preprocess/index.ts';
import { createPublisher } from './publish/publisher.ts';
import { createRecorder } from './record/recorder.ts';
import { createRecordStage } from './record/stage.ts';
import { birthMessage } from './report/birth.ts';
import { cameraEvent, diskFullEvent, outboxDropEvent } from './report/events.ts';
import { startStatsReporter } from './report/stats-reporter.ts';
import { createStatsWindow } from './report/stats-window.ts';
import { startSampling } from './samples/sampling.ts';
import { commandHandler } from './session/commands.ts';
import { createBrokerClient, createSession } from './session/index.ts';
import { type AgentSummary, summarise } from './summary.ts';
import { bootModels, createDesiredInbox, startModelUpdates } from './update/index.ts';

export { AGENT_VERSION } from './report/birth.ts';
export type { AgentSummary } from './summary.ts';

export interface Agent {
  /** Resolves when every camera's source has ended (finite sources) — never for live cameras. */
  readonly sourcesDone: Promise<void>;
  summary(): AgentSummary;
  /** Stops capture, publishes what is pending (up to drainMs), closes the session. */
  stop(drainMs?: number): Promise<AgentSummary>;
}

export interface AgentOptions {
  config: AgentConfig;
  log: Logger;
  /** Stop each synthetic camera after this many frames (tests, benchmarks). */
  frameLimit?: number;
  /** The MQTT client (made with `manualConnect`); default: one for `config.broker`. */
  mqttClient?: MqttClient;
}

/**
 * Builds the stages from the config and wires them: capture → preprocess → infer → decide → act →
 * record per camera (pipeline/camera-pipeline.ts), publish from the outbox, reports to the session.
 */
export async function startAgent({ config, log, frameLimit, mqttClient }: AgentOptions): Promise<Agent> {
  const ref = { site: config.site, line: config.line, agent: config.agent };
  const booted = await bootModels(config, log);
  const { models } = booted;
  const model = models.current();
  const desired = createDesiredInbox();
  const policy = createDecisionPolicy({
    defect: config.thresholds.defect ?? model.manifest.threshold,
    uncertainBand: config.thresholds.uncertainBand,
  });
  const cameraStates = new Map<string, CameraState>(config.cameras.map((c) => [c.id, 'starting']));
  const cameraInfo = () =>
    config.cameras.map((c) => ({ id: c.id, source: c.source.kind, state: cameraStates.get(c.id) }));

  const session = createSession({
    ref,
    client: mqttClient ?? createBrokerClient(config.broker, ref, log),
    log,
    birth: (id) => birthMessage(id, config, models.current(), policy.current(), cameraInfo()),
    onCommand: commandHandler({ policy, log }),
    onModelDesired: (d) => desired.put(d),
  });
  const outbox = await createFileOutbox({
    dir: config.stateDir,
    fsync: config.outbox.fsync,
    maxBytes: config.outbox.maxMB * 2 ** 20,
    maxAgeMs: config.outbox.maxAgeHours * 3_600_000,
    onDrop: (count, reason) => session.publishEvent(outboxDropEvent(count, reason, config.outbox)),
  });
  const publisher = createPublisher({ outbox, session, ...config.publish, log });
  const sampling = startSampling(config, session, log);
  session.onStateChange((to, from) => {
    if (to === 'ready' || from === 'ready') {
      log.info(
        { event: 'ready', ready: to === 'ready' },
        to === 'ready' ? 'publishing results' : 'holding results in the outbox',
      );
    }
    if (to === 'ready') publisher.kick();
  });

  const window = createStatsWindow();
  const counts = { results: 0, defects: 0, truth_defects: 0 };
  const recorder = createRecorder({
    seq: await createSeqCounter(config.stateDir),
    outbox,
    live: () => session.ready,
    onStored: (result) => {
      counts.results += 1;
      if (result.verdict === 'defect') counts.defects += 1;
      if (result.truth === 'defect') counts.truth_defects += 1;
      window.result(result.latency);
      publisher.kick();
    },
    onWriteError: (err, result) => {
      log.error(
        { event: 'outbox_write_failed', seq: result.seq, err: err.message },
        'result could not be stored',
      );
      session.publishEvent(diskFullEvent(config.stateDir, err));
    },
  });
  const preprocess = createPreprocessStage();
  const updates = startModelUpdates({
    config,
    booted,
    session,
    policy,
    preprocess,
    recorder,
    frames: () => {
      const counts = pipelines.map((p) => p.counts());
      return {
        inspected: counts.reduce((n, c) => n + c.inspected, 0),
        failed: counts.reduce((n, c) => n + c.dropped.failed, 0),
      };
    },
    log,
  });
  const stages = {
    preprocess,
    models,
    shadow: updates.shadow,
    policy,
    act: createActStage({
      actions: createActions(config.actions, log, { onOutcome: (o) => window.action(o.latencyMs) }),
    }),
    record: createRecordStage({ recorder, ...(sampling ? { samples: sampling.keeper } : {}), log }),
  };

  const captureThread = createCaptureThread({
    onBundleFailed: (err) =>
      log.warn(
        { event: 'capture_thread_unbundled', err: err.message },
        'capture thread runs through tsx (more memory): bundling it failed',
      ),
  });
  const pipelines: CameraPipeline[] = [];
  pipelines.push(
    ...config.cameras.map((camera) =>
      startCameraPipeline({
        camera: camera.id,
        source: sourceFor(camera, model.manifest.input, captureThread, frameLimit),
        stallTimeoutMs: camera.stallTimeoutMs,
        stages,
        log,
        onStateChange: (id, from, to, error) => {
          cameraStates.set(id, to);
          const event = cameraEvent(id, from, to, error);
          if (event) session.publishEvent(event);
        },
      }),
    ),
  );
  if (updates.controller) desired.connect(updates.controller.desired);

  const summary = () => summarise(pipelines, counts, publisher, outbox, sampling);
  const stats = startStatsReporter({
    intervalMs: config.statsIntervalS * 1000,
    window,
    publish: (s) => session.publishStats(s),
    snapshot: () => {
      const s = summary();
      return {
        captured: s.frames,
        drops: s.dropped_by,
        runtime: models.current().engine.runtime,
        outbox: { depth: s.outbox_depth, dropped: s.outbox_dropped },
        cameras: cameraInfo(),
      };
    },
  });

  let stopped: Promise<AgentSummary> | undefined;
  return {
    sourcesDone: Promise.all(pipelines.map((p) => p.done)).then(() => undefined),
    summary,
    stop(drainMs = 10_000) {
      stopped ??= (async () => {
        await updates.controller?.close();
        await Promise.all(pipelines.map((p) => p.stop()));
        await captureThread.close();
        await stages.record.flush();
        await recorder.flush();
        await stages.act.close();
        stats.stop();
        const drained = await publisher.drain(drainMs);
        if (!drained) log.warn({ event: 'drain_timeout', depth: outbox.depth() }, 'results left unpublished');
        await sampling?.stop(drained ? Math.min(drainMs, 5000) : 0);
        publisher.stop();
        await session.close();
        await outbox.close();
        await models.close();
        return summary();
      })();
      return stopped;
    },
  };
}
