import type { StoreCounters } from '@sightline/protocol';
import type { IngestCounts } from '../ingest/index.ts';
import type { ResultStore, StoreStatus } from '../store/index.ts';

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

/** The status of an API served from a store alone, without ingest (benchmarks, route tests). */
export function storeOnlyStatus(
  store: Pick<ResultStore, 'status' | 'counters'>,
  startedAt = Date.now(),
): HubStatus {
  const ingest: IngestCounts = {
    messages: 0,
    byChannel: {},
    results: { inserted: 0, duplicates: 0 },
    deadLetters: 0,
    storeFailures: 0,
  };
  return {
    brokerConnected: () => true,
    startedAt,
    store: () => store.status(),
    ingest: () => ingest,
    counters: () => store.counters(),
  };
}
