export {
  type ApiOptions,
  type BucketClock,
  createApi,
  type HubStatus,
  type RouteDoc,
  storeOnlyStatus,
} from './api/index.ts';
export { createFileStorage, createMemoryStorage } from './auth/auth-file.ts';
export {
  type AgentCredentials,
  type AgentInfo,
  agentClientId,
  type CredentialStore,
  openCredentialStore,
  parseAgentId,
  type TokenInfo,
} from './auth/credential-store.ts';
export { authStorageFor } from './auth/index.ts';
export { type BrokerPolicy, createBrokerPolicy } from './broker/auth.ts';
export { createEmbeddedBroker, type EmbeddedBroker, type EmbeddedBrokerOptions } from './broker/index.ts';
export {
  ENV_KEYS,
  type HubConfig,
  type HubConfigInput,
  type LoadHubConfigOptions,
  loadHubConfig,
  parseHubConfig,
} from './config/index.ts';
export {
  ConfigError,
  HubError,
  type HubErrorCode,
  QueryError,
  QueryTimeoutError,
  StoreRejectedError,
  StoreUnavailableError,
} from './errors.ts';
export { type Hub, type HubCounters, type StartHubOptions, startHub } from './hub.ts';
export {
  createIngest,
  type Ingest,
  type IngestCounts,
  type IngestOptions,
  type SampleSink,
} from './ingest/index.ts';
export { connectIngestClients } from './ingest/mqtt-clients.ts';
export { attachMqttSource, type MqttSource } from './ingest/mqtt-source.ts';
export * from './metrics/index.ts';
export {
  type AgentSnapshot,
  createDuckDbStore,
  type DeadLetter,
  type DeadLetterInput,
  type DuckDbStoreOptions,
  type InsertOutcome,
  type ResultStore,
  type StoreCounters,
  type StoredEvent,
  type StoreStatus,
} from './store/index.ts';
