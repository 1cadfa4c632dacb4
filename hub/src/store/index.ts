export { DEAD_LETTER_PAYLOAD_BYTES, truncatePayload } from './dead-letter.ts';
export { createDuckDbStore, type DuckDbStore, type DuckDbStoreOptions } from './duckdb-store.ts';
export { isStorageFailure, type WriterState } from './group-commit.ts';
export { CLOCK, type ClockFlag } from './result-rows.ts';
export { LATENCY_BOUNDS_MS } from './rollup-sql.ts';
export { SCHEMA_VERSION } from './schema.ts';
export type * from './types.ts';
