import type { Logger } from 'pino';
import type { Inspection } from '../pipeline/inspection.ts';
import type { Recorder } from './recorder.ts';
import { resultOf } from './result.ts';

/** What the record stage needs from sample keeping (samples/keeper.ts). */
export interface SampleKeeper<S extends { image: string } = { image: string }> {
  /** Saves the frame when the sampling policy wants it; resolves to the sample (never rejects). */
  keep(inspection: Inspection): Promise<S | undefined>;
  /** The result that references the sample was recorded with this seq. */
  recorded(sample: S, seq: number): void;
}

export interface RecordStage {
  /** Queues the inspection for recording; waits only while `maxBacklog` inspections are queued. */
  record(inspection: Inspection): Promise<void>;
  /** Inspections queued and not yet handed to the outbox. */
  backlog(): number;
  /** Resolves when every queued inspection is recorded. */
  flush(): Promise<void>;
}

/**
 * The record stage, off the hot path: saves a sample frame when wanted (JPEG encoding runs on libuv's
 * pool), then hands the result to the recorder (seq, outbox) in inspection order — so seq follows
 * the order verdicts were made in, whatever a sample took to save.
 */
export function createRecordStage<S extends { image: string }>(opts: {
  recorder: Recorder;
  samples?: SampleKeeper<S>;
  log: Logger;
  maxBacklog?: number;
}): RecordStage {
  const maxBacklog = opts.maxBacklog ?? 32;
  const queued: Promise<void>[] = [];
  let last: Promise<void> = Promise.resolve();

  return {
    async record(inspection) {
      const kept = opts.samples?.keep(inspection);
      const job = last.then(async () => {
        const sample = await kept;
        const result = await opts.recorder.record(resultOf(inspection, sample?.image));
        if (sample) opts.samples?.recorded(sample, result.seq);
      });
      last = job.catch((err: Error) => {
        opts.log.error({ event: 'record_failed', err: err.message }, 'a result could not be recorded');
      });
      queued.push(last);
      void last.then(() => queued.shift());
      while (queued.length > maxBacklog) await queued[0];
    },
    backlog: () => queued.length,
    async flush() {
      await last;
    },
  };
}
