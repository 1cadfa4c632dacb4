import { setTimeout as delay } from 'node:timers/promises';
import type { Manifest } from '@sightline/models';
import type { CameraInfo } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { CapturedFrame, FrameSource } from '../capture/index.ts';
import { AgentError } from '../errors.ts';
import type { OutputDecoding } from '../infer/decode.ts';
import type { InferenceEngine } from '../infer/index.ts';
import { createFrameSlot } from './frame-slot.ts';
import { type Inspection, inspectFrame } from './inspect.ts';

export type CameraState = NonNullable<CameraInfo['state']>;

export interface CameraWorkerOptions {
  camera: string;
  source: FrameSource;
  engine: InferenceEngine;
  manifest: Manifest;
  decoding: OutputDecoding;
  /** No frame for this long: the camera is reported stalled and reconnected. */
  stallTimeoutMs: number;
  /** Receives every inspection (the agent decides, acts, assigns `seq` and stores it). */
  onInspection: (inspection: Inspection) => Promise<void>;
  onStateChange: (camera: string, from: CameraState, to: CameraState, error?: Error) => void;
  log: Logger;
  /** Backoff after a camera failure, doubling up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

export interface CameraWorker {
  readonly camera: string;
  readonly state: CameraState;
  /** Frames captured and frames dropped (live sources keep only the newest) since start. */
  readonly counts: { captured: number; dropped: number };
  /** Resolves when the source ends (a recording) or the worker is stopped. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

class Stalled extends AgentError {}

/** Resolves with the read, or rejects when the camera stays silent past the timeout. */
async function readWithin(source: FrameSource, camera: string, ms: number): Promise<CapturedFrame | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Stalled('SL_CAMERA_STALLED', `camera ${camera}: no frame for ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([source.read(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One camera: a capture loop (with a watchdog) feeding an inference loop through a frame slot.
 * States: starting -> running -> reconnecting -> running ... -> stopped. A failed or silent camera
 * is reported and reopened with backoff, forever, while other cameras carry on.
 */
export function startCameraWorker(opts: CameraWorkerOptions): CameraWorker {
  const { camera, source, log } = opts;
  let state: CameraState = 'starting';
  let stopping = false;
  let slot = createFrameSlot(source.live);
  const counts = { captured: 0, dropped: 0 };
  const setState = (to: CameraState, error?: Error) => {
    if (to === state) return;
    const from = state;
    state = to;
    opts.onStateChange(camera, from, to, error);
  };

  /** Returns true when the source ended, false when stopped; throws on camera failure. */
  const session = async (): Promise<boolean> => {
    await source.open();
    setState('running');
    slot = createFrameSlot(source.live);
    const current = slot;
    let ended = false;
    let failed = false;
    const capture = (async () => {
      try {
        while (!stopping && !failed) {
          if (!source.live) await current.wanted();
          if (stopping || failed) break;
          const frame = await readWithin(source, camera, opts.stallTimeoutMs);
          if (!frame) {
            ended = true;
            break;
          }
          counts.captured += 1;
          await current.put(frame);
        }
      } finally {
        counts.dropped += current.dropped();
        current.close();
      }
    })();
    const inspect = (async () => {
      try {
        for (let frame = await current.take(); frame; frame = await current.take()) {
          await opts.onInspection(await inspectFrame(frame, opts.engine, opts.manifest, opts.decoding));
        }
      } catch (err) {
        failed = true;
        current.close();
        throw err;
      }
    })();
    await Promise.all([capture, inspect]);
    return ended;
  };

  const run = async () => {
    let backoff = opts.retryMs ?? 1000;
    while (!stopping) {
      try {
        if (await session()) {
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
        continue;
      }
      backoff = opts.retryMs ?? 1000;
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
    get counts() {
      return { captured: counts.captured, dropped: counts.dropped + slot.dropped() };
    },
    done,
    async stop() {
      stopping = true;
      slot.close();
      await done;
    },
  };
}
