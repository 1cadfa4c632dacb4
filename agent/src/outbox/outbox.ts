import type { InspectionResultInput } from '@sightline/protocol';

/** A result waiting for the broker's PUBACK. */
export interface OutboxEntry {
  seq: number;
  result: InspectionResultInput;
}

/**
 * Results wait here between inference and the broker's PUBACK.
 * `take` hands out the oldest entries not yet in flight; `ack` removes them for good;
 * `release` puts entries whose publish failed back at the front.
 * Callers append in `seq` order: an implementation may rely on it to persist its ack watermark.
 */
export interface Outbox {
  append(result: InspectionResultInput): Promise<void>;
  take(max: number): Promise<OutboxEntry[]>;
  ack(entries: readonly OutboxEntry[]): Promise<void>;
  release(entries: readonly OutboxEntry[]): void;
  /** Entries not yet acknowledged (pending + in flight). */
  depth(): number;
  /** Results dropped by the on-full policy since start. */
  dropped(): number;
  close(): Promise<void>;
}
