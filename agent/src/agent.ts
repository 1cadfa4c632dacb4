import { join } from 'node:path';
import { defaultModelDir, loadModel } from '@sightline/models';
import type { AgentEvent, CommandName, InspectionResultInput } from '@sightline/protocol';
import type { Logger } from 'pino';
import { createActions } from './act/index.ts';
import { createFrameSource } from './capture/index.ts';
import type { AgentConfig } from './config/index.ts';
import { decide, type Thresholds } from './decide/index.ts';
import { decodingFor } from './infer/decoding-for.ts';
import { engineFor } from './infer/engine-for.ts';
import { createFileOutbox, createSeqCounter } from './outbox/index.ts';
import { type CameraState, type CameraWorker, startCameraWorker } from './pipeline/camera-worker.ts';
import type { Inspection } from './pipeline/inspect.ts';
import { createRecorder } from './pipeline/recorder.ts';
import { createStatsWindow } from './pipeline/stats.ts';
import { readTemperatureC } from './pipeline/temperature.ts';
import { createOpenCvJpegEncoder, createSampleStore } from './samples/index.ts';
import { createSession } from './session/index.ts';
import { createPublisher } from './session/publisher.ts';

export const AGENT_VERSION = '0.1.0';

export interface AgentSummary {
  /** Frames captured; `dropped` of them were skipped by live sources' newest-frame policy. */
  frames: number;
  dropped: number;
  results: number;
  published: number;
  defects: number;
  truth_defects: number;
  outbox_depth: number;
  outbox_dropped: number;
}

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
}

export async function startAgent({ config, log, frameLimit }: AgentOptions): Promise<Agent> {
  const ref = { site: config.site, line: config.line, agent: config.agent };
  const model = await loadModel(config.model.dir ?? defaultModelDir());
  const { manifest } = model;
  const { engine } = await engineFor(config, model, log);
  const decoding = decodingFor(manifest);
  const thresholds: Thresholds = {
    defect: config.thresholds.defect ?? manifest.threshold,
    uncertainBand: config.thresholds.uncertainBand,
  };
  const seq = await createSeqCounter(config.stateDir);
  let raiseEvent: (event: Omit<AgentEvent, 'ts'>) => void = () => undefined;
  const outbox = await createFileOutbox({
    dir: config.stateDir,
    fsync: config.outbox.fsync,
    maxBytes: config.outbox.maxMB * 2 ** 20,
    maxAgeMs: config.outbox.maxAgeHours * 3_600_000,
    onDrop: (count, reason) =>
      raiseEvent({
        kind: 'outbox_overflow',
        severity: 'warning',
        message:
          reason === 'corrupt'
            ? 'a damaged outbox segment was skipped; some unsent results were lost'
            : `outbox ${reason === 'bytes' ? `over its ${config.outbox.maxMB} MB quota` : `holds results older than ${config.outbox.maxAgeHours} h`}: dropped the ${count} oldest unsent result(s). Is the hub reachable?`,
        detail: { dropped: count, reason },
      }),
  });
  const stats = createStatsWindow();
  // The local reaction to a verdict: fired before anything is stored or sent.
  const actions = createActions(config.actions, log, { onOutcome: (o) => stats.action(o.latencyMs) });
  const samples = config.samples.enabled
    ? createSampleStore({
        dir: config.samples.dir ?? join(config.stateDir, 'samples'),
        maxPerHour: config.samples.maxPerHour,
        maxMB: config.samples.maxMB,
        okShare: config.samples.okShare,
        nearBand: config.samples.nearBand,
        log,
        encodeJpeg: createOpenCvJpegEncoder({ quality: config.samples.jpegQuality }),
      })
    : undefined;
  const counts = { results: 0, defects: 0, truth_defects: 0 };
  const cameraStates = new Map<string, CameraState>(config.cameras.map((c) => [c.id, 'starting']));
  const startedAt = Date.now();
  const cameraInfo = () =>
    config.cameras.map((c) => ({ id: c.id, source: c.source.kind, state: cameraStates.get(c.id) }));
  const sha256 = manifest.sha256;

  const session = createSession({
    ref,
    url: config.broker.url,
    protocolVersion: config.broker.protocolVersion,
    ...(config.broker.username === undefined ? {} : { username: config.broker.username }),
    ...(config.broker.password === undefined ? {} : { password: config.broker.password }),
    log,
    birth: (id) => ({
      session: id,
      ts: Date.now(),
      agentVersion: AGENT_VERSION,
      model: { id: manifest.id, version: manifest.version, sha256 },
      cameras: cameraInfo(),
      thresholds: { defect: thresholds.defect, uncertainBand: thresholds.uncertainBand },
      capabilities: [
        'results',
        'stats',
        'events',
        'set-threshold',
        ...config.actions.map((a) => `action:${a.kind}`),
        ...(samples ? ['samples'] : []),
      ],
      runtime: engine.runtime,
    }),
    onCommand: (name: CommandName, payload: unknown) => {
      if (name === 'set-threshold') {
        thresholds.defect = (payload as { threshold: number }).threshold;
        log.info({ event: 'threshold_set', threshold: thresholds.defect }, 'threshold changed by command');
      } else {
        log.info({ event: 'command_ignored', name }, `command ${name} is not supported yet`);
      }
    },
    onReadyChange: (ready) => {
      log.info({ event: 'ready', ready }, ready ? 'publishing results' : 'holding results in the outbox');
      if (ready) publisher.kick();
    },
  });
  const publisher = createPublisher({
    outbox,
    session: () => session,
    batchSize: config.publish.batchSize,
    batchMs: config.publish.batchMs,
    replayPerSecond: config.publish.replayPerSecond,
    log,
  });

  const raise = (event: Omit<AgentEvent, 'ts'>) => session.publishEvent({ ...event, ts: Date.now() });
  raiseEvent = raise;
  const recorder = createRecorder({
    seq,
    outbox,
    live: () => session.ready,
    onStored: (result) => {
      counts.results += 1;
      if (result.verdict === 'defect') counts.defects += 1;
      if (result.truth === 'defect') counts.truth_defects += 1;
      stats.result(result.latency);
      publisher.kick();
    },
    onWriteError: (err, result) => {
      log.error(
        { event: 'outbox_write_failed', seq: result.seq, err: err.message },
        'result could not be stored',
      );
      raise({
        kind: 'disk_full',
        severity: 'critical',
        message: `cannot write to the outbox in ${config.stateDir}: ${err.message}. Free disk space or check the state directory.`,
      });
    },
  });
  const emit = (partial: Omit<InspectionResultInput, 'seq'>) => recorder.record(partial);
  const onInspection = async ({ captured, score, classes, boxes, latency }: Inspection, camera: string) => {
    const verdict = decide(score, thresholds);
    for (const action of actions) action.fire({ verdict, score, camera, frame: captured.id });
    const image = await samples?.consider(captured.frame, {
      verdict,
      score,
      threshold: thresholds.defect,
      camera,
      frameId: captured.id,
      ts: captured.ts,
      model: { id: manifest.id, version: manifest.version },
    });
    await emit({
      ts: captured.ts,
      frame: captured.id,
      camera,
      model: { id: manifest.id, version: manifest.version },
      verdict,
      score,
      threshold: thresholds.defect,
      latency: { ...latency, total: latency.capture + (Date.now() - captured.ts) },
      ...(image ? { image } : {}),
      ...(classes ? { classes } : {}),
      ...(boxes ? { boxes } : {}),
      ...(captured.truth ? { truth: captured.truth } : {}),
    });
  };

  const workers: CameraWorker[] = config.cameras.map((camera) =>
    startCameraWorker({
      camera: camera.id,
      source: createFrameSource(camera.id, camera.source, frameLimit),
      engine,
      manifest,
      decoding,
      stallTimeoutMs: camera.stallTimeoutMs,
      onInspection: (inspection) => onInspection(inspection, camera.id),
      log,
      onStateChange: (id, from, to, error) => {
        cameraStates.set(id, to);
        if (to === 'reconnecting') {
          raise({
            kind: 'camera_lost',
            severity: 'warning',
            message: `camera ${id}: ${error?.message ?? 'stopped delivering frames'}; reconnecting`,
          });
        } else if (to === 'running' && from === 'reconnecting') {
          raise({
            kind: 'camera_restored',
            severity: 'info',
            message: `camera ${id} is delivering frames again`,
          });
        }
      },
    }),
  );

  const captured = () => workers.reduce((n, w) => n + w.counts.captured, 0);
  const dropped = () => workers.reduce((n, w) => n + w.counts.dropped, 0);
  const statsTimer = setInterval(async () => {
    const temperature = await readTemperatureC();
    session.publishStats({
      ...(temperature === undefined ? {} : { temperature_c: temperature }),
      ts: Date.now(),
      uptime_s: (Date.now() - startedAt) / 1000,
      dropped: dropped(),
      runtime: engine.runtime,
      outbox: { depth: outbox.depth(), dropped: outbox.dropped() },
      cameras: cameraInfo(),
      ...stats.sample(captured()),
    });
  }, config.statsIntervalS * 1000);

  const summary = (): AgentSummary => ({
    ...counts,
    frames: captured(),
    dropped: dropped(),
    published: publisher.published(),
    outbox_depth: outbox.depth(),
    outbox_dropped: outbox.dropped(),
  });

  let stopped: Promise<AgentSummary> | undefined;
  return {
    sourcesDone: Promise.all(workers.map((w) => w.done)).then(() => undefined),
    summary,
    stop(drainMs = 10_000) {
      stopped ??= (async () => {
        await Promise.all(workers.map((w) => w.stop()));
        await recorder.flush();
        await Promise.all(actions.map((a) => a.close()));
        await samples?.close();
        clearInterval(statsTimer);
        const drained = await publisher.drain(drainMs);
        if (!drained) log.warn({ event: 'drain_timeout', depth: outbox.depth() }, 'results left unpublished');
        publisher.stop();
        await session.close();
        await outbox.close();
        await engine.close();
        return summary();
      })();
      return stopped;
    },
  };
}
