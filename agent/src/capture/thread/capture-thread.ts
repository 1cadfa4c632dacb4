import { Worker } from 'node:worker_threads';
import { AgentError, type AgentErrorCode } from '../../errors.ts';
import { zxingWasmPath } from '../../identity/zxing.ts';
import { cameraThreadBundle, TSX_ENTRY } from './bundle.ts';
import type { CaptureReply, CaptureRequest, ThreadCamera } from './messages.ts';

/**
 * The thread's heap: it renders and preprocesses one frame at a time, so a small young generation
 * keeps its memory low; frames and tensors live outside the heap.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 96 };

type Request =
  | { op: 'open' | 'read' | 'close' | 'remove'; spare?: ArrayBuffer }
  | { op: 'add'; spec: ThreadCamera };

/** The main side of the capture thread: one worker thread hosting every threaded camera. */
export interface CaptureThread {
  /** Sends a request for a camera; resolves with the thread's reply, rejects with its error. */
  call(camera: string, request: Request): Promise<CaptureReply & { ok: true }>;
  /** Ends the thread (a wedged camera); the next call starts a new one, whose cameras must be added again. */
  restart(): Promise<void>;
  /** Bumped on every start: a camera added to an older thread must be added again. */
  readonly generation: number;
  close(): Promise<void>;
}

/**
 * One capture thread for all cameras: each thread is a whole V8 isolate and Node environment (tens of
 * MB), and on a 2-core device one thread beside inference is all the parallelism there is. It loads
 * the esbuild bundle of its code (bundle.ts), or falls back to tsx, which `onBundleFailed` reports.
 */
export function createCaptureThread(opts: { onBundleFailed?: (err: Error) => void } = {}): CaptureThread {
  let worker: Promise<Worker> | undefined;
  let generation = 0;
  let nextId = 0;
  const waiting = new Map<number, { resolve: (r: CaptureReply) => void; reject: (e: Error) => void }>();

  const failAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  const start = async (): Promise<Worker> => {
    const entry = await cameraThreadBundle().catch((err: Error) => {
      opts.onBundleFailed?.(err);
      return TSX_ENTRY;
    });
    const w = new Worker(entry, {
      stderr: false,
      resourceLimits: RESOURCE_LIMITS,
      // The bundle lives in the temp dir and cannot resolve packages: hand it what it reads from disk.
      workerData: { zxingWasm: zxingWasmPath() },
    });
    generation += 1;
    const gone = (why: string) => {
      if (worker && current === w) worker = undefined;
      failAll(new AgentError('SL_CAMERA_OPEN_FAILED', `capture thread ${why}`));
    };
    const current = w;
    w.on('message', (reply: CaptureReply) => {
      const pending = waiting.get(reply.id);
      waiting.delete(reply.id);
      pending?.resolve(reply);
    });
    w.on('error', (err) => gone(`failed: ${err.message}`));
    w.on('exit', (code) => gone(`exited (${code})`));
    return w;
  };

  return {
    get generation() {
      return generation;
    },
    async call(camera, request) {
      worker ??= start();
      const w = await worker;
      const id = nextId++;
      const spare = 'spare' in request ? request.spare : undefined;
      const reply = await new Promise<CaptureReply>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, camera, ...request } as CaptureRequest, spare ? [spare] : []);
      });
      if (!reply.ok) {
        const code = (
          reply.error.code?.startsWith('SL_') ? reply.error.code : 'SL_CAMERA_OPEN_FAILED'
        ) as AgentErrorCode;
        throw new AgentError(code, reply.error.message);
      }
      return reply;
    },
    async restart() {
      const w = worker;
      worker = undefined;
      failAll(new Error('capture thread restarted'));
      await (await w)?.terminate();
    },
    async close() {
      await this.restart();
    },
  };
}
