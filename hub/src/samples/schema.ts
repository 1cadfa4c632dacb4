/**
 * The `samples` table: one row per sample an agent sent (sender, sha256, seq), the image itself stored
 * once per sha256 on disk. A result points at its sample by (site, line, agent, seq). Appended to the
 * store's MIGRATIONS list.
 */
export const SAMPLES_MIGRATION = `
  CREATE SEQUENCE sample_id START 1;
  CREATE TABLE samples (
    id BIGINT PRIMARY KEY DEFAULT nextval('sample_id'),
    sha256 VARCHAR NOT NULL,
    site VARCHAR NOT NULL,
    line VARCHAR NOT NULL,
    agent VARCHAR NOT NULL,
    seq BIGINT,
    ts BIGINT NOT NULL,
    frame VARCHAR,
    camera VARCHAR,
    verdict VARCHAR,
    score DOUBLE,
    threshold DOUBLE,
    model_id VARCHAR,
    model_version VARCHAR,
    region JSON,
    boxes JSON,
    reason VARCHAR,
    width INTEGER,
    height INTEGER,
    bytes BIGINT NOT NULL,
    content_type VARCHAR NOT NULL,
    received_ts BIGINT NOT NULL,
    path VARCHAR NOT NULL,
    label VARCHAR
  );
  CREATE INDEX samples_sha256 ON samples (sha256);
  CREATE INDEX samples_result ON samples (site, line, agent, seq);
`;
