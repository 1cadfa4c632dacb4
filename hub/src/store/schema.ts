import type { DuckDBConnection } from '@duckdb/node-api';
import { HubError } from '../errors.ts';
import { SAMPLES_MIGRATION } from '../samples/schema.ts';

/**
 * Ordered migrations; entry i brings the schema to version i + 1. Append new ones, never edit old ones:
 * a file written by an older hub is brought up to date on open.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE results (
    site VARCHAR NOT NULL,
    line VARCHAR NOT NULL,
    agent VARCHAR NOT NULL,
    seq BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    received_ts BIGINT NOT NULL,
    session VARCHAR NOT NULL,
    frame VARCHAR NOT NULL,
    camera VARCHAR,
    model_id VARCHAR NOT NULL,
    model_version VARCHAR NOT NULL,
    verdict VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    threshold DOUBLE NOT NULL,
    latency_capture DOUBLE NOT NULL,
    latency_preprocess DOUBLE NOT NULL,
    latency_infer DOUBLE NOT NULL,
    latency_total DOUBLE NOT NULL,
    shadow BOOLEAN NOT NULL,
    replayed BOOLEAN NOT NULL,
    truth VARCHAR,
    image VARCHAR,
    extra JSON,
    PRIMARY KEY (site, line, agent, seq)
  );
  CREATE SEQUENCE dead_letter_id START 1;
  CREATE TABLE dead_letters (
    id BIGINT PRIMARY KEY DEFAULT nextval('dead_letter_id'),
    ts BIGINT NOT NULL,
    topic VARCHAR NOT NULL,
    sender VARCHAR,
    code VARCHAR NOT NULL,
    error VARCHAR NOT NULL,
    payload VARCHAR NOT NULL,
    payload_encoding VARCHAR NOT NULL,
    payload_size BIGINT NOT NULL,
    truncated BOOLEAN NOT NULL
  );
  CREATE TABLE agents (
    site VARCHAR NOT NULL,
    line VARCHAR NOT NULL,
    agent VARCHAR NOT NULL,
    birth JSON,
    state JSON,
    stats JSON,
    model_status JSON,
    last_seen_ts BIGINT NOT NULL,
    PRIMARY KEY (site, line, agent)
  );
  CREATE SEQUENCE event_id START 1;
  CREATE TABLE events (
    id BIGINT PRIMARY KEY DEFAULT nextval('event_id'),
    site VARCHAR NOT NULL,
    line VARCHAR NOT NULL,
    agent VARCHAR NOT NULL,
    ts BIGINT NOT NULL,
    received_ts BIGINT NOT NULL,
    kind VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    detail JSON
  );
  CREATE TABLE counters (name VARCHAR PRIMARY KEY, value BIGINT NOT NULL);
  INSERT INTO counters VALUES ('duplicates', 0);
  `,
  SAMPLES_MIGRATION,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to SCHEMA_VERSION, one transaction per migration. Returns the version found. */
export async function migrate(conn: DuckDBConnection, path: string, now: number): Promise<number> {
  await conn.run(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_ts BIGINT NOT NULL)',
  );
  const reader = await conn.runAndReadAll(
    'SELECT coalesce(max(version), 0)::INTEGER AS v FROM schema_version',
  );
  const found = Number(reader.getRowObjectsJS()[0]?.v ?? 0);
  if (found > SCHEMA_VERSION) {
    throw new HubError(
      'SL_STORE_SCHEMA_TOO_NEW',
      `${path} has schema version ${found} but this hub knows up to ${SCHEMA_VERSION}; upgrade the hub or point SL_HUB_DB at another file`,
    );
  }
  for (let version = found + 1; version <= SCHEMA_VERSION; version++) {
    await conn.run('BEGIN TRANSACTION');
    try {
      await conn.run(MIGRATIONS[version - 1] as string);
      await conn.run('INSERT INTO schema_version VALUES ($1, $2)', [version, now]);
      await conn.run('COMMIT');
    } catch (cause) {
      await conn.run('ROLLBACK');
      throw cause;
    }
  }
  return found;
}
