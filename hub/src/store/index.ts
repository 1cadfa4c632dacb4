export { DEAD_LETTER_PAYLOAD_BYTES, truncatePayload } from './dead-letter.ts';
export { createDuckDbStore, type DuckDbStore, type DuckDbStoreOptions } from './duckdb-store.ts';
export { SCHEMA_VERSION } from './schema.ts';
export type * from './types.ts';
