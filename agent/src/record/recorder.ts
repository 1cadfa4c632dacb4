import type { InspectionResultInput } from '@sightline/protocol';
import type { Outbox, SeqCounter } from '../outbox/index.ts';

export interface RecorderOptions {
  seq: SeqCounter;
  outbox: Outbox;
  /** Whether results can go out live right now; otherwise they are marked `replayed`. */
  live: () => boolean;
  /** Called once a result is durably in the outbox. */
  onStored: (result: InspectionResultInput) => void;
  /** Called when the outbox cannot take a result (disk full, I/O error); the result is counted lost. */
  onWriteError: (err: Error, result: InspectionResultInput) => void;
  /** Writes not yet on disk before `record` makes the pipeline wait. */
  maxPending?: number;
}

/**
 * Gives each result its `seq` and puts it in the outbox. Seq assignment and the start of the append
 * happen in one chained step, so the outbox sees seq order even with several cameras; the disk write
 * itself is not awaited by the pipeline unless `maxPending` writes are outstanding.
 */
export type Recorder = ReturnType<typeof createRecorder>;

export function createRecorder(opts: RecorderOptions) {
  const maxPending = opts.maxPending ?? 64;
  let ordering: Promise<unknown> = Promise.resolve();
  const pending = new Set<Promise<void>>();
  let lost = 0;

  return {
    /** Resolves with the result as stored (its `seq` assigned) once the disk write has started. */
    async record(partial: Omit<InspectionResultInput, 'seq'>): Promise<InspectionResultInput> {
      const step = ordering.then(async () => {
        const result: InspectionResultInput = {
          ...partial,
          seq: await opts.seq.next(),
          replayed: !opts.live(),
        };
        return { result, written: opts.outbox.append(result) };
      });
      ordering = step.catch(() => undefined);
      const { result, written } = await step;
      const tracked = written.then(
        () => opts.onStored(result),
        (err: Error) => {
          lost += 1;
          opts.onWriteError(err, result);
        },
      );
      pending.add(tracked);
      void tracked.finally(() => pending.delete(tracked));
      while (pending.size > maxPending) await Promise.race(pending);
      return result;
    },
    /** Resolves when every result handed to `record` is on disk (or counted lost). */
    async flush(): Promise<void> {
      await ordering;
      await Promise.all(pending);
    },
    lost: () => lost,
  };
}
