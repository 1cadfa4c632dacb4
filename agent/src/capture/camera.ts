import { setTimeout as delay } from 'node:timers/promises';
import type { CameraInfo } from '@sightline/protocol';
import type { Logger } from 'pino';
import { AgentError } from '../errors.ts';
import { type Backoff, createBackoff } from '../publish/backoff.ts';
import type { CapturedFrame, FrameSource } from './frame-source.ts';

export type CameraState = NonNullable<CameraInfo['state']>;

/** Where a camera's frames go: `put` may wait (back-pressure); `end` says no more frames will come. */
export interface FrameSink {
  put(frame: CapturedFrame): Promise<void>;
  end(): void;
}

export interface CameraOptions {
  id: string;
  source: FrameSource;
  sink: FrameSink;
  /** No frame for this long: the camera is reported stalled and reconnected. */
  stallTimeoutMs: number;
  /** The first frame after opening may take this long (a stream negotiating, a capture thread starting); default max(stallTimeoutMs, 10 s). */
  firstFrameTimeoutMs?: number;
  onStateChange: (camera: string, from: CameraState, to: CameraState, error?: Error) => void;
  log: Logger;
  /** Delay before reopening a failed camera (default: 1 s doubling to 30 s, with jitter). */
  backoff?: Backoff;
}

export interface Camera {
  readonly id: string;
  readonly state: CameraState;
  /** Frames read from the source since start. */
  readonly captured: number;
  /** Resolves when the source ends (a recording) or the camera is stopped. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/** Resolves with the read, or rejects when the camera stays silent past the timeout. */
async function readWithin(source: FrameSource, camera: string, ms: number): Promise<CapturedFrame | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AgentError('SL_CAMERA_STALLED', `camera ${camera}: no frame for ${ms} ms`)),
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
 * The capture stage of one camera: reads its source under a watchdog and hands each frame to the sink.
 * States: starting -> running -> reconnecting -> running ... -> stopped. A camera that fails to open,
 * errors or goes silent is reported and reopened with backoff, forever, while other cameras carry on.
 */
export function startCamera(opts: CameraOptions): Camera {
  const { id, source, sink, log } = opts;
  const backoff = opts.backoff ?? createBackoff({ initialMs: 1000, maxMs: 30_000 });
  let state: CameraState = 'starting';
  let stopping = false;
  let captured = 0;
  let wake: (() => void) | undefined;
  const setState = (to: CameraState, error?: Error) => {
    if (to === state) return;
    const from = state;
    state = to;
    opts.onStateChange(id, from, to, error);
  };

  /** One capture session: true when the source ended, false when stopped; throws on failure. */
  const session = async (): Promise<boolean> => {
    await source.open();
    setState('running');
    let timeoutMs = opts.firstFrameTimeoutMs ?? Math.max(opts.stallTimeoutMs, 10_000);
    while (!stopping) {
      const frame = await readWithin(source, id, timeoutMs);
      timeoutMs = opts.stallTimeoutMs;
      if (!frame) return true;
      captured += 1;
      backoff.reset();
      await sink.put(frame);
    }
    return false;
  };

  const run = async () => {
    while (!stopping) {
      try {
        if (await session()) {
          log.info({ event: 'camera_ended', camera: id }, `camera ${id}: source ended`);
          break;
        }
      } catch (err) {
        if (stopping) break;
        const retryMs = backoff.next();
        setState('reconnecting', err as Error);
        log.warn(
          { event: 'camera_failed', camera: id, err: (err as Error).message, retry_ms: Math.round(retryMs) },
          'camera failed',
        );
        await source.close().catch(() => undefined);
        const ac = new AbortController();
        wake = () => ac.abort();
        await delay(retryMs, undefined, { signal: ac.signal }).catch(() => undefined);
      }
    }
    sink.end();
    await source.close().catch(() => undefined);
    await source.dispose?.().catch(() => undefined);
    setState('stopped');
  };

  const done = run();
  return {
    id,
    get state() {
      return state;
    },
    get captured() {
      return captured;
    },
    done,
    async stop() {
      stopping = true;
      wake?.();
      sink.end();
      await done;
    },
  };
}
