import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { createAction } from './act/index.ts';
import { loadAgentMode } from './act/mode.ts';
import type { CameraState } from './capture/camera.ts';
import { createCaptureThread } from './capture/thread/capture-thread.ts';
import type { AgentConfig } from './config/index.ts';
import { startInputs } from './inputs.ts';
import { createFileOutbox, createSeqCounter } from './outbox/index.ts';
import { type CameraPipeline, startCameraPipeline } from './pipeline/camera-pipeline.ts';
import { cameraStages } from './pipeline/camera-stages.ts';
import { sourceFor } from './pipeline/source-for.ts';
import { createPreprocessStage } from './preprocess/index.ts';
import { createPublisher } from './publish/publisher.ts';
import { createModelLibrary } from './recipes/model-library.ts';
import { createRecipeBook } from './recipes/recipe-book.ts';
import { createRecorder } from './record/recorder.ts';
import { createRecordStage } from './record/stage.ts';
import { birthMessage } from './report/birth.ts';
import {
  cameraEvent,
  createEventThrottle,
  diskFullEvent,
  modeChangedEvent,
  outboxDropEvent,
  partsMissedEvent,
  recipeChangedEvent,
  rejectsLateEvent,
} from './report/events.ts';
import { startStatsReporter } from './report/stats-reporter.ts';
import { createStatsWindow } from './report/stats-window.ts';
import { startSampling } from './samples/sampling.ts';
import { commandHandler } from './session/commands.ts';
import { createBrokerClient, createSession } from './session/index.ts';
import { withModeCommands } from './session/mode-commands.ts';
import { type AgentSummary, summarise } from './summary.ts';
import { bootModels, createDesiredInbox, startModelUpdates } from './update/index.ts';

export { AGENT_VERSION } from './report/birth.ts';
export type { AgentSummary } from './summary.ts';

export interface Agent {
  /** Resolves when every camera's source has ended (finite sources) — never for live cameras. */
  readonly sourcesDone: Promise<void>;
  summary(): AgentSummary;
  /** Where the local HTTP port listens, when `http.enabled` (http://host:port). */
  readonly httpUrl?: string;
  /** Where the PLC handshake listens, when `plc.enabled` (port). */
  readonly plcPort?: number;
  /** Stops capture, publishes what is pending (up to drainMs), closes the session. */
  stop(drainMs?: number): Promise<AgentSummary>;
}

export interface AgentOptions {
  config: AgentConfig;
  log: Logger;
  /** Stop each synthetic camera after this many frames — a conveyor after this many parts (tests, benchmarks). */
  frameLimit?: number;
  /** The MQTT client (made with `manualConnect`); default: one for `config.broker`. */
  mqttClient?: MqttClient;
}

/**
 * Builds the stages from the config and wires them: capture → select → preprocess → infer → decide → act
 * → record per camera (pipeline/camera-pipeline.ts), publish from the outbox, reports to the session,
 * trigger inputs and recipe changes from MQTT, HTTP, the PLC and GPIO (inputs.ts).
 */
export async function startAgent({ config, log, frameLimit, mqttClient }: AgentOptions): Promise<Agent> {
  const ref = { site: config.site, line: config.line, agent: config.agent };
  // The agent's own model: the installed slot the pointer names (model updates), else the configured one.
  const booted = await bootModels(config, log);
  const library = createModelLibrary(config, log, booted.models.current());
  const recipes = await createRecipeBook(config, library, booted.models);
  const desired = createDesiredInbox();
  const current = () => recipes.current();
  const cameraStates = new Map<string, CameraState>(config.cameras.map((c) => [c.id, 'starting']));
  const cameraInfo = () =>
    config.cameras.map((c) => ({ id: c.id, source: c.source.kind, state: cameraStates.get(c.id) }));
  const pipelines: CameraPipeline[] = [];
  const route = (kind: Parameters<CameraPipeline['trigger']>[0], camera?: string, part?: string) => {
    const targets = pipelines.filter((p) =>
      camera === undefined
        ? config.cameras.find((c) => c.id === p.camera)?.trigger.kind === kind
        : p.camera === camera,
    );
    if (targets.length === 0)
      log.warn(
        { event: 'trigger_unrouted', kind, camera },
        `no camera takes ${kind} triggers${camera ? ` as ${camera}` : ''}`,
      );
    for (const p of targets) p.trigger(kind, part);
  };

  const mode = await loadAgentMode({ configured: config.mode, stateDir: config.stateDir, log });
  const session = createSession({
    ref,
    client: mqttClient ?? createBrokerClient(config.broker, ref, log),
    log,
    birth: (id) => ({
      ...birthMessage(id, config, current().models.current(), current().policy.current(), cameraInfo(), {
        current: current().id,
        all: recipes.all().map((r) => r.id),
      }),
      mode: mode.current(),
    }),
    onCommand: (name, payload) => onCommand(name, payload),
    onModelDesired: (d) => desired.put(d),
  });
  const onCommand = withModeCommands({
    mode,
    rebirth: () => session.rebirth(),
    announce: (from, to) => session.publishEvent(modeChangedEvent(to, from)),
    log,
    next: commandHandler({
      recipes,
      trigger: (camera, part) => route('mqtt', camera, part),
      announce: (event) => session.publishEvent(event),
      rebirth: () => session.rebirth(),
      log,
    }),
  });
  const throttle = createEventThrottle((e) => session.publishEvent(e));
  recipes.onChange((to, from) => {
    log.info({ event: 'recipe_changed', recipe: to.id, from: from.id }, `recipe ${from.id} -> ${to.id}`);
    session.publishEvent(recipeChangedEvent(to.id, from.id));
  });
  const outbox = await createFileOutbox({
    dir: config.stateDir,
    fsync: config.outbox.fsync,
    maxBytes: config.outbox.maxMB * 2 ** 20,
    maxAgeMs: config.outbox.maxAgeHours * 3_600_000,
    onDrop: (count, reason) => session.publishEvent(outboxDropEvent(count, reason, config.outbox)),
    onWatermarkError: (err) =>
      log.error(
        { event: 'outbox_watermark_failed', err: err.message },
        'cannot write the outbox watermark; confirmed results may be sent again after a restart',
      ),
  });
  const { confirmTimeoutS, ...publish } = config.publish;
  const publisher = createPublisher({
    outbox,
    session,
    ...publish,
    confirmTimeoutMs: confirmTimeoutS * 1000,
    log,
  });
  session.onAck((ack) => publisher.confirm(ack));
  const sampling = startSampling(config, session, log);
  session.onStateChange((to, from) => {
    if (to === 'ready' || from === 'ready') {
      log.info(
        { event: 'ready', ready: to === 'ready' },
        to === 'ready' ? 'publishing results' : 'holding results in the outbox',
      );
    }
    // Back in touch with the hub (reconnected, or the hub came back): what it has not confirmed may be gone
    // with a broker restart, so it goes again now (the hub stores a seq once).
    if (to === 'ready') publisher.resend();
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
    policy: recipes.agentPolicy(),
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
  const record = createRecordStage({ recorder, ...(sampling ? { samples: sampling.keeper } : {}), log });
  const actions = config.actions.map((c) => ({
    config: c,
    action: createAction(c, log, { onOutcome: (o) => window.action(o.latencyMs) }),
  }));

  const captureThread = createCaptureThread({
    onBundleFailed: (err) =>
      log.warn(
        { event: 'capture_thread_unbundled', err: err.message },
        'capture thread runs through tsx (more memory): bundling it failed',
      ),
  });
  const inputs = await startInputs({ config, recipes, route, pipelines, mode, log });
  for (const camera of config.cameras) {
    const source = sourceFor(
      camera,
      current().models.current().manifest.input,
      captureThread,
      config,
      frameLimit,
    );
    const stages = await cameraStages({
      camera,
      source,
      recipes,
      actions,
      mode,
      preprocess,
      record,
      stateDir: config.stateDir,
      shadow: { slot: booted.models, stage: updates.shadow },
      log,
      onLate: (late) => {
        log.warn(
          { event: 'reject_late', ...late },
          `camera ${late.camera}: verdict too late for the reject window`,
        );
        throttle.raise(`late:${late.camera}`, (n) => rejectsLateEvent(late.camera, n, late.by, late.unit));
      },
    });
    if (stages.encoder) inputs.encoders.set(camera.id, stages.encoder);
    pipelines.push(
      startCameraPipeline({
        camera: camera.id,
        source,
        stallTimeoutMs: camera.stallTimeoutMs,
        stages,
        identifyFrames: camera.identity.from === 'code' || camera.identity.from === 'counter',
        log,
        onInspection: (i) => inputs.inspected(i),
        onMissed: (m) => {
          log.warn(
            {
              event: 'part_missed',
              camera: camera.id,
              why: m.why,
              trigger_ts: m.trigger.ts,
              part: m.trigger.part,
            },
            'part missed',
          );
          inputs.missed(camera.id);
          throttle.raise(`missed:${camera.id}:${m.why}`, (n) =>
            partsMissedEvent(camera.id, n, m.why, m.trigger.part),
          );
        },
        onStateChange: (id, from, to, error) => {
          cameraStates.set(id, to);
          const event = cameraEvent(id, from, to, error);
          if (event) session.publishEvent(event);
        },
      }),
    );
  }

  if (updates.controller) desired.connect(updates.controller.desired);

  const triggered = config.cameras.some((c) => c.trigger.kind !== 'free-run');
  const summary = () => summarise(pipelines, counts, publisher, outbox, sampling, current().id);
  const stats = startStatsReporter({
    intervalMs: config.statsIntervalS * 1000,
    window,
    publish: (s) => session.publishStats(s),
    snapshot: () => {
      const s = summary();
      return {
        captured: s.frames,
        drops: s.dropped_by,
        runtime: current().models.current().engine.runtime,
        outbox: { depth: s.outbox_depth, dropped: s.outbox_dropped },
        cameras: cameraInfo(),
        // Part counts where a trigger picks the parts; a free-running camera's coverage is its frames'.
        ...(triggered ? { parts: s.parts } : {}),
        recipe: s.recipe,
      };
    },
  });

  let stopped: Promise<AgentSummary> | undefined;
  return {
    sourcesDone: Promise.all(pipelines.map((p) => p.done)).then(() => undefined),
    summary,
    ...(inputs.httpUrl ? { httpUrl: inputs.httpUrl } : {}),
    ...(inputs.plcPort !== undefined ? { plcPort: inputs.plcPort } : {}),
    stop(drainMs = 10_000) {
      stopped ??= (async () => {
        await inputs.close();
        await updates.controller?.close();
        await Promise.all(pipelines.map((p) => p.stop()));
        await captureThread.close();
        await record.flush();
        await recorder.flush();
        await Promise.all(pipelines.map((p) => p.close()));
        throttle.flush();
        stats.stop();
        const drained = await publisher.drain(drainMs);
        if (!drained) log.warn({ event: 'drain_timeout', depth: outbox.depth() }, 'results left unpublished');
        await sampling?.stop(drained ? Math.min(drainMs, 5000) : 0);
        publisher.stop();
        await session.close();
        await outbox.close();
        await library.close();
        await booted.models.close();
        return summary();
      })();
      return stopped;
    },
  };
}
