import type { DuckDBConnection } from '@duckdb/node-api';
import { HubError } from '../errors.ts';

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
  // 2: dictionary-encoded ids, raw results without a primary key (seqs are de-duplicated in memory against
  // seq_ranges, written in the same transaction), per-minute rollups per agent and per line folded at ingest,
  // stats history for frame counts and run time, dead-letter counts per sender and reason.
  `
  CREATE TABLE lines (line_id INTEGER PRIMARY KEY, site VARCHAR NOT NULL, line VARCHAR NOT NULL, UNIQUE (site, line));
  CREATE TABLE models (model_key INTEGER PRIMARY KEY, id VARCHAR NOT NULL, version VARCHAR NOT NULL, UNIQUE (id, version));
  ALTER TABLE agents RENAME TO agents_v1;
  CREATE TABLE agents (
    agent_id INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL,
    site VARCHAR NOT NULL,
    line VARCHAR NOT NULL,
    agent VARCHAR NOT NULL,
    birth JSON,
    state JSON,
    stats JSON,
    model_status JSON,
    last_seen_ts BIGINT NOT NULL,
    UNIQUE (site, line, agent)
  );
  INSERT INTO lines
    SELECT row_number() OVER (ORDER BY site, line)::INTEGER, site, line
    FROM (SELECT site, line FROM agents_v1 UNION SELECT DISTINCT site, line FROM results);
  INSERT INTO agents
    SELECT row_number() OVER (ORDER BY k.site, k.line, k.agent)::INTEGER, l.line_id, k.site, k.line, k.agent,
      a.birth, a.state, a.stats, a.model_status, coalesce(a.last_seen_ts, 0)
    FROM (SELECT site, line, agent FROM agents_v1 UNION SELECT DISTINCT site, line, agent FROM results) k
    JOIN lines l USING (site, line) LEFT JOIN agents_v1 a USING (site, line, agent);
  DROP TABLE agents_v1;
  INSERT INTO models
    SELECT row_number() OVER (ORDER BY model_id, model_version)::INTEGER, model_id, model_version
    FROM (SELECT DISTINCT model_id, model_version FROM results);
  ALTER TABLE results RENAME TO results_v1;
  CREATE TABLE results (
    batch BIGINT NOT NULL,
    agent_id INTEGER NOT NULL,
    line_id INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    device_ts BIGINT NOT NULL,
    received_ts BIGINT NOT NULL,
    clock UTINYINT NOT NULL,
    session VARCHAR NOT NULL,
    frame VARCHAR NOT NULL,
    camera VARCHAR,
    model_key INTEGER NOT NULL,
    verdict UTINYINT NOT NULL,
    score DOUBLE NOT NULL,
    threshold DOUBLE NOT NULL,
    latency_capture FLOAT NOT NULL,
    latency_preprocess FLOAT NOT NULL,
    latency_infer FLOAT NOT NULL,
    latency_total FLOAT NOT NULL,
    shadow BOOLEAN NOT NULL,
    replayed BOOLEAN NOT NULL,
    truth UTINYINT,
    top_class VARCHAR,
    image VARCHAR,
    extra VARCHAR
  );
  INSERT INTO results
    SELECT 0, a.agent_id, a.line_id, r.seq, r.ts, r.ts, r.received_ts, 0, r.session, r.frame, r.camera, m.model_key,
      CASE r.verdict WHEN 'ok' THEN 0 WHEN 'defect' THEN 1 ELSE 2 END,
      r.score, r.threshold, r.latency_capture, r.latency_preprocess, r.latency_infer, r.latency_total,
      r.shadow, r.replayed, CASE r.truth WHEN 'ok' THEN 0 WHEN 'defect' THEN 1 END, NULL, r.image, r.extra
    FROM results_v1 r JOIN agents a USING (site, line, agent)
    JOIN models m ON m.id = r.model_id AND m.version = r.model_version
    ORDER BY r.received_ts, a.agent_id, r.seq;
  DROP TABLE results_v1;
  CREATE TABLE seq_ranges (agent_id INTEGER NOT NULL, lo BIGINT NOT NULL, hi BIGINT NOT NULL);
  INSERT INTO seq_ranges
    SELECT agent_id, min(seq), max(seq)
    FROM (SELECT agent_id, seq, seq - row_number() OVER (PARTITION BY agent_id ORDER BY seq) AS island FROM results)
    GROUP BY agent_id, island;
  CREATE TABLE agent_stats (
    batch BIGINT NOT NULL,
    agent_id INTEGER NOT NULL,
    line_id INTEGER NOT NULL,
    ts BIGINT NOT NULL,
    frames_captured DOUBLE NOT NULL,
    frames_inspected DOUBLE NOT NULL,
    frames_dropped DOUBLE NOT NULL,
    run_ms DOUBLE NOT NULL
  );
  CREATE TABLE rollup_agent_minute (
    agent_id INTEGER NOT NULL, line_id INTEGER NOT NULL, minute INTEGER NOT NULL,
    n UINTEGER NOT NULL, defects UINTEGER NOT NULL, uncertain UINTEGER NOT NULL,
    truth_n UINTEGER NOT NULL, truth_defects UINTEGER NOT NULL,
    shadow_n UINTEGER NOT NULL, shadow_defects UINTEGER NOT NULL,
    first_ts BIGINT, last_ts BIGINT,
    latency_sum DOUBLE NOT NULL, latency_max FLOAT NOT NULL,
    lat_le_5 UINTEGER NOT NULL, lat_le_10 UINTEGER NOT NULL, lat_le_20 UINTEGER NOT NULL, lat_le_50 UINTEGER NOT NULL,
    lat_le_100 UINTEGER NOT NULL, lat_le_200 UINTEGER NOT NULL, lat_le_500 UINTEGER NOT NULL, lat_le_1000 UINTEGER NOT NULL,
    frames_captured DOUBLE NOT NULL, frames_inspected DOUBLE NOT NULL, frames_dropped DOUBLE NOT NULL,
    stats_n UINTEGER NOT NULL, run_ms DOUBLE NOT NULL
  );
  CREATE TABLE rollup_line_minute AS SELECT * EXCLUDE (agent_id) FROM rollup_agent_minute LIMIT 0;
  CREATE TABLE rollup_line_class_minute (line_id INTEGER NOT NULL, minute INTEGER NOT NULL, class VARCHAR NOT NULL, defects UINTEGER NOT NULL);
  CREATE TABLE dead_letter_counts (sender VARCHAR NOT NULL, code VARCHAR NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (sender, code));
  INSERT INTO dead_letter_counts SELECT coalesce(sender, '(none)'), code, count(*) FROM dead_letters GROUP BY ALL;
  ALTER TABLE dead_letters ADD COLUMN stored_bytes BIGINT DEFAULT 0;
  UPDATE dead_letters SET stored_bytes = strlen(payload) + strlen(error) + strlen(topic);
  INSERT INTO counters VALUES ('conflicts', 0), ('dead_letters_evicted', 0), ('batch', 0), ('folded', 0), ('rollups_stale', 1);
  `,
  // 3: parts — each result's part id (traceability) and recipe; per-minute counts per line and recipe, folded at
  // ingest, filled here from the rows already folded (the tail is folded with the next batch).
  `
  ALTER TABLE results ADD COLUMN part VARCHAR;
  ALTER TABLE results ADD COLUMN recipe VARCHAR;
  CREATE TABLE rollup_line_recipe_minute (
    line_id INTEGER NOT NULL, recipe VARCHAR NOT NULL, minute INTEGER NOT NULL,
    n UINTEGER NOT NULL, defects UINTEGER NOT NULL, uncertain UINTEGER NOT NULL,
    truth_n UINTEGER NOT NULL, truth_defects UINTEGER NOT NULL
  );
  INSERT INTO rollup_line_recipe_minute
    SELECT line_id, '', (ts // 60000)::INTEGER, count(*)::UINTEGER,
      count(*) FILTER (WHERE verdict = 1)::UINTEGER, count(*) FILTER (WHERE verdict = 2)::UINTEGER,
      count(truth)::UINTEGER, count(*) FILTER (WHERE truth = 1)::UINTEGER
    FROM results WHERE NOT shadow AND batch <= (SELECT value FROM counters WHERE name = 'folded')
    GROUP BY ALL;
  `,
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
