import type { ManifestInput } from '@sightline/models';
import type { SourceConfig } from '../../config/index.ts';
import { AgentError } from '../../errors.ts';
import type { CapturedFrame, FrameSource } from '../frame-source.ts';
import { createFrameSource } from '../index.ts';
import { type CaptureThread, createCaptureThread } from './capture-thread.ts';

/**
 * Sources that may run in the capture thread. Not OpenCV's: the @u4/opencv4nodejs addon is not safe in
 * worker threads (V8 aborts when such a thread ends); its reads and decodes already run in libuv's pool.
 */
export function canThread(source: SourceConfig): boolean {
  return source.kind === 'synthetic' || source.kind === 'conveyor';
}

export interface ThreadedSourceOptions {
  camera: string;
  source: SourceConfig;
  limit?: number;
  /** Preprocess each frame for this model input in the capture thread. */
  input?: ManifestInput;
  /** The capture thread to run in (shared by the agent's cameras); default: one of its own. */
  thread?: CaptureThread;
  /** A close that takes longer than this restarts the thread (a wedged camera). */
  closeTimeoutMs?: number;
}

/**
 * A FrameSource whose capture (and preprocessing) runs in the capture thread. The source there lives
 * across reconnects (close, open) until `dispose`; frames and their tensors come over by transfer, not
 * copy, and `recycle` sends a tensor's buffer back to be filled again.
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
  const own = opts.thread === undefined;
  const thread = opts.thread ?? createCaptureThread();
  const spec = {
    camera: opts.camera,
    source: opts.source,
    ...(opts.limit === undefined ? {} : { limit: opts.limit }),
    ...(opts.input ? { input: opts.input } : {}),
  };
  /** The thread generation this camera was added to (0: not added). */
  let addedTo = 0;
  const spares: ArrayBuffer[] = [];
  const call = async (op: 'open' | 'read' | 'close' | 'remove', spare?: ArrayBuffer) => {
    if (addedTo !== thread.generation || addedTo === 0) {
      await thread.call(opts.camera, { op: 'add', spec });
      addedTo = thread.generation;
    }
    return thread.call(opts.camera, { op, ...(spare ? { spare } : {}) });
  };

  return {
    kind: probe.kind,
    live: probe.live,
    ...(probe.simulated ? { simulated: true } : {}),
    async open() {
      await call('open');
    },
    async read(): Promise<CapturedFrame | null> {
      return (await call('read', spares.pop())).frame ?? null;
    },
    async close() {
      if (addedTo === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), opts.closeTimeoutMs ?? 5000);
      });
      const outcome = await Promise.race([call('close').catch(() => 'failed' as const), timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') await thread.restart();
    },
    recycle(frame) {
      const buffer = frame.input?.tensor.buffer;
      if (
        buffer instanceof ArrayBuffer &&
        buffer.byteLength > 0 &&
        spares.length < 2 &&
        !spares.includes(buffer)
      )
        spares.push(buffer);
    },
    async dispose() {
      if (own) await thread.close();
      else if (addedTo === thread.generation) await call('remove').catch(() => undefined);
    },
  };
}
