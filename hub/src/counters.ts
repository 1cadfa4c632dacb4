import type { StoreCounters } from '@sightline/protocol';
import type { BrokerPolicyCounters } from './broker/auth.ts';
import type { AckCounts } from './ingest/acks.ts';
import type { IngestCounts } from './ingest/index.ts';
import type { SampleCounts } from './samples/index.ts';
import type { StoreStatus } from './store/index.ts';

/**
 * Everything a monitoring endpoint (Prometheus /metrics) reads about ingest and the store, at once and without a
 * query. Counts are totals since start (ingest) or since the database was created (store); rates are derived
 * from them by whoever samples them.
 */
export interface HubCounters {
  broker: {
    connected: boolean;
    mode: 'embedded' | 'external';
    clients: number | null;
    /** Embedded broker: connections, publishes and subscriptions refused; messages slowed; connections cut off. */
    policy: BrokerPolicyCounters | null;
  };
  /** Messages handled since start: stored per channel, results inserted/duplicates, dead letters, refusals. */
  ingest: Readonly<IngestCounts>;
  /** End-to-end acks published to agents after commits (and those that could not go out), since start. */
  acks: Readonly<AckCounts>;
  /** Writer state, backlog, commit lag, commits, failures, dead letters per reason and sender. */
  store: StoreStatus;
  /** Stored totals: results (a running count, less what retention removed), duplicates, dead letters. */
  totals: StoreCounters;
  /** Sample images (assembly and the content-addressed store); absent when samples.enabled is false. */
  samples?: SampleCounts;
}
