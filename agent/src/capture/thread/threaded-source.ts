import { Worker } from 'node:worker_threads';
import type { ManifestInput } from '@sightline/models';
import type { SourceConfig } from '../../config/index.ts';
import { AgentError, type AgentErrorCode } from '../../errors.ts';
import type { CapturedFrame, FrameSource } from '../frame-source.ts';
import { createFrameSource } from '../index.ts';
import { cameraThreadBundle, TSX_ENTRY } from './bundle.ts';
import type { CameraThreadData, CameraThreadReply } from './messages.ts';

/**
 * Sources that may run in a worker thread. Not OpenCV's: the @u4/opencv4nodejs addon is not safe in
 * worker threads (V8 aborts when such a thread ends); its reads and decodes already run in libuv's pool.
 */
export function canThread(source: SourceConfig): boolean {
  return source.kind === 'synthetic';
}

export interface ThreadedSourceOptions {
  camera: string;
  source: SourceConfig;
  limit?: number;
  /** Preprocess each frame for this model input in the capture thread. */
  input?: ManifestInput;
  /** A close that takes longer than this ends the thread (a wedged camera); the next open starts a new one. */
  closeTimeoutMs?: number;
  /** Called once if the thread must run through tsx because bundling failed (more memory per camera). */
  onBundleFailed?: (err: Error) => void;
}

/**
 * A capture thread's heap: renders and preprocesses one frame at a time, so a small young generation
 * keeps its memory (and the agent's RSS) low; frames and tensors live outside the heap.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 96 };

/**
 * A FrameSource whose capture (and preprocessing) runs in a worker thread of its own. The thread, and
 * the source in it, live across reconnects (close, open) until `dispose`; frames and their tensors
 * come over by transfer, not copy.
 */
export function createThreadedSource(opts: ThreadedSourceOptions): FrameSource {
  if (!canThread(opts.source)) {
    throw new AgentError(
      'SL_CONFIG_INVALID',
      `camera ${opts.camera}: ${opts.source.kind} sources cannot run in a capture thread`,
    );
  }
  // Built here only to know its kind and liveness; the thread builds its own from the same config.
  const probe = createFrameSource(opts.camera, opts.source, opts.limit);
  const workerData: CameraThreadData = {
    camera: opts.camera,
    source: opts.source,
    ...(opts.limit === undefined ? {} : { limit: opts.limit }),
    ...(opts.input ? { input: opts.input } : {}),
  };
  let worker: Worker | undefined;
  let nextId = 0;
  const waiting = new Map<number, { resolve: (r: CameraThreadReply) => void; reject: (e: Error) => void }>();

  const failAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  const start = async (): Promise<Worker> => {
    const entry = await cameraThreadBundle().catch((err: Error) => {
      opts.onBundleFailed?.(err);
      return TSX_ENTRY;
    });
    const w = new Worker(entry, { workerData, stderr: false, resourceLimits: RESOURCE_LIMITS });
    w.on('message', (reply: CameraThreadReply) => {
      const w8 = waiting.get(reply.id);
      waiting.delete(reply.id);
      w8?.resolve(reply);
    });
    w.on('error', (err) => {
      if (worker === w) worker = undefined;
      failAll(
        new AgentError(
          'SL_CAMERA_OPEN_FAILED',
          `camera ${opts.camera}: capture thread failed: ${err.message}`,
        ),
      );
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(
        new AgentError('SL_CAMERA_OPEN_FAILED', `camera ${opts.camera}: capture thread exited (${code})`),
      );
    });
    return w;
  };
  const call = async (
    op: 'open' | 'read' | 'close',
    w: Worker,
  ): Promise<CameraThreadReply & { ok: true }> => {
    const id = nextId++;
    const reply = await new Promise<CameraThreadReply>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      w.postMessage({ id, op });
    });
    if (!reply.ok) {
      const code = (
        reply.error.code?.startsWith('SL_') ? reply.error.code : 'SL_CAMERA_OPEN_FAILED'
      ) as AgentErrorCode;
      throw new AgentError(code, reply.error.message);
    }
    return reply;
  };

  return {
    kind: probe.kind,
    live: probe.live,
    async open() {
      worker ??= await start();
      await call('open', worker);
    },
    async read(): Promise<CapturedFrame | null> {
      if (!worker) throw new Error('threaded source read before open');
      return (await call('read', worker)).frame ?? null;
    },
    async close() {
      const w = worker;
      if (!w) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), opts.closeTimeoutMs ?? 5000);
      });
      const outcome = await Promise.race([call('close', w).catch(() => 'failed' as const), timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        worker = undefined;
        await w.terminate();
      }
    },
    async dispose() {
      const w = worker;
      worker = undefined;
      failAll(new Error('capture thread stopped'));
      await w?.terminate();
    },
  };
}
