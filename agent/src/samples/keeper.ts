import { MAX_SAMPLE_BYTES, SAMPLE_CHUNK_BYTES, type SampleMeta } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { SampleKeeper } from '../record/stage.ts';
import type { SampleStore, SavedSample } from './store.ts';
import type { UploadQueue } from './upload-queue.ts';

/** A kept sample: what the result references, and the metadata its upload will carry. */
export interface KeptSample {
  image: string;
  saved: SavedSample;
  meta: Omit<SampleMeta, 'seq'>;
  upload: boolean;
}

/**
 * Sampling for the record stage: saves frames by the store's policy and, with uploads on, queues each
 * one for the hub once its result has a seq. A queued sample's result references it as
 * `sha256:<hex>` (what the hub stores it under); without uploads, by its file under the samples dir.
 */
export function createSampleKeeper(opts: {
  store: SampleStore;
  uploads?: UploadQueue;
  /** Called once a sample is queued for upload (kicks the uploader). */
  onQueued?: () => void;
  log: Logger;
}): SampleKeeper<KeptSample> {
  return {
    async keep({ camera, captured, inferred, decision }) {
      const saved = await opts.store.consider(captured.frame, {
        verdict: decision.verdict,
        score: decision.score,
        threshold: decision.threshold,
        camera,
        frameId: captured.id,
        // Whole ms, as in the result (sources may time frames to a fraction of a ms; the wire takes integers).
        ts: Math.round(captured.ts),
        model: inferred.model,
      });
      if (!saved) return undefined;
      const boxes = inferred.boxes?.slice(0, 256);
      const meta: Omit<SampleMeta, 'seq'> = {
        sha256: saved.sha256,
        bytes: saved.bytes,
        chunks: Math.ceil(saved.bytes / SAMPLE_CHUNK_BYTES),
        content_type: 'image/jpeg',
        width: saved.width,
        height: saved.height,
        ts: saved.ts,
        camera,
        frame: captured.id.slice(0, 128),
        model: inferred.model,
        verdict: decision.verdict,
        score: decision.score,
        threshold: decision.threshold,
        ...(boxes?.[0] ? { region: boxes[0], boxes } : {}),
        reason: saved.category,
      };
      // Larger than the wire allows (a huge frame): kept on disk only.
      const upload = opts.uploads !== undefined && saved.bytes <= MAX_SAMPLE_BYTES;
      return { image: upload ? `sha256:${saved.sha256}` : saved.file, saved, meta, upload };
    },
    recorded(sample, seq) {
      if (!opts.uploads || !sample.upload) return;
      opts.uploads.add({ file: sample.saved.file, meta: { ...sample.meta, seq } }).then(
        () => opts.onQueued?.(),
        (err: Error) => {
          opts.log.warn(
            { event: 'sample_queue_failed', err: err.message },
            'a sample could not be queued for upload',
          );
        },
      );
    },
  };
}
