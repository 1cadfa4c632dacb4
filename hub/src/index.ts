export { type ApiOptions, createApi, type HealthBody, type HubStatus } from './api/index.ts';
export { createEmbeddedBroker, type EmbeddedBroker, type EmbeddedBrokerOptions } from './broker/index.ts';
export {
  ENV_KEYS,
  type HubConfig,
  type HubConfigInput,
  type LoadHubConfigOptions,
  loadHubConfig,
  parseHubConfig,
} from './config/index.ts';
export { ConfigError, HubError, type HubErrorCode, QueryError } from './errors.ts';
export { type Hub, type StartHubOptions, startHub } from './hub.ts';
export { createIngest, type Ingest, type IngestCounts, type IngestOptions } from './ingest/index.ts';
export {
  deriveLineMetrics,
  type LineCounts,
  type LineMetrics,
  throughputPerMin,
  wilson,
} from './metrics/index.ts';
export {
  type AgentSnapshot,
  createDuckDbStore,
  type DeadLetter,
  type DeadLetterInput,
  type DuckDbStoreOptions,
  type InsertOutcome,
  type LineMetricsQuery,
  type ResultStore,
  type StoreCounters,
  type StoredEvent,
} from './store/index.ts';
