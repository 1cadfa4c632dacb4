import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/index.ts';
import { createSampleUploader, type SampleUploader } from '../publish/sample-uploader.ts';
import type { SampleKeeper } from '../record/stage.ts';
import type { Session } from '../session/index.ts';
import { createOpenCvJpegEncoder } from './jpeg.ts';
import { createSampleKeeper, type KeptSample } from './keeper.ts';
import { createSampleStore } from './store.ts';
import { createUploadQueue } from './upload-queue.ts';

export interface Sampling {
  keeper: SampleKeeper<KeptSample>;
  uploader?: SampleUploader;
  counts(): { saved: number; uploaded: number; pending: number };
  /** Waits for samples being written, sends what is queued for up to `drainMs`, stops uploading. */
  stop(drainMs: number): Promise<void>;
}

/** Sample frames as configured: the store on disk and, with uploads on, its queue and uploader. */
export function startSampling(config: AgentConfig, session: Session, log: Logger): Sampling | undefined {
  const cfg = config.samples;
  if (!cfg.enabled) return undefined;
  const dir = cfg.dir ?? join(config.stateDir, 'samples');
  const store = createSampleStore({
    dir,
    maxPerHour: cfg.maxPerHour,
    maxMB: cfg.maxMB,
    okShare: cfg.okShare,
    nearBand: cfg.nearBand,
    log,
    encodeJpeg: createOpenCvJpegEncoder({ quality: cfg.jpegQuality }),
  });
  const queue = cfg.upload.enabled ? createUploadQueue(dir, log) : undefined;
  const uploader = queue
    ? createSampleUploader({ queue, dir, session, bytesPerSecond: cfg.upload.bytesPerSecond, log })
    : undefined;
  const keeper = createSampleKeeper({
    store,
    ...(queue ? { uploads: queue } : {}),
    ...(uploader ? { onQueued: () => uploader.kick() } : {}),
    log,
  });
  return {
    keeper,
    ...(uploader ? { uploader } : {}),
    counts: () => {
      const saved = store.counts().saved;
      return {
        saved: saved.defect + saved.near + saved.ok,
        uploaded: uploader?.counts().uploaded ?? 0,
        pending: queue?.pending() ?? 0,
      };
    },
    async stop(drainMs) {
      await store.close();
      if (uploader && drainMs > 0) await uploader.drain(drainMs);
      await uploader?.stop();
    },
  };
}
