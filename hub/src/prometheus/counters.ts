import type { SampleCounts } from '../samples/index.ts';

/**
 * What /metrics exposes, read fresh on every scrape. Totals are cumulative since the hub started (or, for
 * table counts, since the database was created); optional figures appear only when the hub provides them.
 */
export interface HubCounters {
  broker: { connected: boolean };
  ingest: {
    /** Uplink messages handled (stored or dead-lettered). */
    messages: number;
    /** Results stored. */
    results: number;
    /** Redelivered results ignored. */
    duplicates: number;
    /** Messages left unacknowledged because the store failed. */
    storeFailures: number;
    /** Dead letters by reason (code, e.g. SL_PAYLOAD_INVALID). */
    deadLetters: Readonly<Record<string, number>>;
    /** Messages received and not yet committed. */
    backlog?: number;
    /** How far commits trail receipt, in ms. */
    commitLagMs?: number;
  };
  samples?: SampleCounts;
}

export type HubCountersReader = () => HubCounters | Promise<HubCounters>;
