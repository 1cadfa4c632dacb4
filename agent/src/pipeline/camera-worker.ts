import { setTimeout as delay } from 'node:timers/promises';
import type { Manifest } from '@sightline/models';
import { preprocessFrame } from '@sightline/models';
import type { CameraInfo, InspectionResultInput } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { FrameSource } from '../capture/index.ts';
import { decide, type Thresholds } from '../decide/index.ts';
import type { InferenceEngine } from '../infer/index.ts';

export type CameraState = NonNullable<CameraInfo['state']>;

export interface CameraWorkerOptions {
  camera: string;
  source: FrameSource;
  engine: InferenceEngine;
  manifest: Manifest;
  thresholds: () => Thresholds;
  /** Receives every result (the agent assigns `seq` and stores it). */
  emit: (result: Omit<InspectionResultInput, 'seq'>) => Promise<void>;
  onStateChange: (camera: string, from: CameraState, to: CameraState, error?: Error) => void;
  log: Logger;
  /** Backoff after a camera failure, doubling up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

export interface CameraWorker {
  readonly camera: string;
  readonly state: CameraState;
  /** Resolves when the source ends (a file) or the worker is stopped. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/** capture -> preprocess -> infer -> decide -> emit, for one camera, reconnecting on failure. */
export function startCameraWorker(opts: CameraWorkerOptions): CameraWorker {
  const { camera, source, engine, manifest, log } = opts;
  const dims = manifest.input.shape;
  let state: CameraState = 'starting';
  let stopping = false;
  const setState = (to: CameraState, error?: Error) => {
    if (to === state) return;
    const from = state;
    state = to;
    opts.onStateChange(camera, from, to, error);
  };

  const inspectOne = async (): Promise<boolean> => {
    const captured = await source.read();
    if (!captured) return false;
    const t0 = performance.now();
    const tensor = preprocessFrame(captured.frame, manifest.input);
    const t1 = performance.now();
    const output = await engine.run(tensor, dims);
    const t2 = performance.now();
    const score = output[0] ?? Number.NaN;
    const t = opts.thresholds();
    await opts.emit({
      ts: captured.ts,
      frame: captured.id,
      camera,
      model: { id: manifest.id, version: manifest.version },
      verdict: decide(score, t),
      score,
      threshold: t.defect,
      latency: {
        capture: captured.captureMs,
        preprocess: t1 - t0,
        infer: t2 - t1,
        total: captured.captureMs + (t2 - t0),
      },
      ...(captured.truth ? { truth: captured.truth } : {}),
    });
    return true;
  };

  const run = async () => {
    let backoff = opts.retryMs ?? 1000;
    while (!stopping) {
      try {
        await source.open();
        setState('running');
        backoff = opts.retryMs ?? 1000;
        while (!stopping && (await inspectOne())) {}
        if (!stopping) {
          log.info({ event: 'camera_ended', camera }, `camera ${camera}: source ended`);
          break;
        }
      } catch (err) {
        if (stopping) break;
        setState('reconnecting', err as Error);
        log.warn(
          { event: 'camera_failed', camera, err: (err as Error).message, retry_ms: backoff },
          'camera failed',
        );
        await source.close().catch(() => undefined);
        await delay(backoff);
        backoff = Math.min(backoff * 2, opts.maxRetryMs ?? 30_000);
      }
    }
    await source.close().catch(() => undefined);
    setState('stopped');
  };

  const done = run();
  return {
    camera,
    get state() {
      return state;
    },
    done,
    async stop() {
      stopping = true;
      await done;
    },
  };
}
