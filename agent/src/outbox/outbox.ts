import type { InspectionResultInput, SeqRange } from '@sightline/protocol';

/** A result on its way to the hub. */
export interface OutboxEntry {
  seq: number;
  result: InspectionResultInput;
}

/**
 * Results wait here between inference and the hub. `take` hands out the oldest entries not yet in flight;
 * after the broker's PUBACK an entry leaves at once (`ack`, for a hub without end-to-end acks) or waits for the
 * hub (`sent`), which confirms what it has stored (`confirm`, by seq ranges); `requeue` puts entries the hub has
 * not confirmed in time back in line, and `release` those whose publish failed. Callers append in `seq` order:
 * an implementation may rely on it to persist its watermark (every seq below it is gone for good).
 */
export interface Outbox {
  append(result: InspectionResultInput): Promise<void>;
  take(max: number): Promise<OutboxEntry[]>;
  /** The broker acknowledged these and nothing more is awaited: removed for good. */
  ack(entries: readonly OutboxEntry[]): Promise<void>;
  /** The broker acknowledged these; they stay until the hub confirms them. `at`: a monotonic time (ms). */
  sent(entries: readonly OutboxEntry[], at: number): void;
  /**
   * The hub holds every seq in these ranges: those entries leave at once, in whatever state (the watermark
   * follows on disk in the background). Returns how many left.
   */
  confirm(ranges: readonly SeqRange[]): number;
  /** Entries sent before `before` (monotonic ms) and not confirmed go back in line (replayed). Returns how many. */
  requeue(before: number): number;
  release(entries: readonly OutboxEntry[]): void;
  /** Entries waiting to be taken. */
  pending(): number;
  /** Entries sent and awaiting the hub's confirmation. */
  unconfirmed(): number;
  /** Entries not yet gone for good (pending + in flight + unconfirmed). */
  depth(): number;
  /** Results dropped by the on-full policy since start. */
  dropped(): number;
  close(): Promise<void>;
}
