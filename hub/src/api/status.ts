import type { StoreCounters } from '@sightline/protocol';
import type { IngestCounts } from '../ingest/index.ts';
import type { StoreStatus } from '../store/index.ts';

/** What the API reads about the running hub, beside the store's queries. */
export interface HubStatus {
  /** True while the hub's broker link is up (always, with the embedded broker). */
  brokerConnected(): boolean;
  /** When the hub started (ms). */
  startedAt: number;
  store(): StoreStatus;
  ingest(): Readonly<IngestCounts>;
  counters(): Promise<StoreCounters>;
}
