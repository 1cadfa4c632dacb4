import { DEFAULT_RULES_SQL } from '../alarms/defaults.ts';

/**
 * Tables of what people enter or decide (the ledger): line modes and their changes, ROI inputs with their
 * history, frozen baselines, audit labels, alarm rules and alarms. Small, written at human rates, kept forever
 * (retention never touches them). Part of the store's migration 3.
 */
export const LEDGER_TABLES = `
  CREATE TABLE line_modes (
    site VARCHAR NOT NULL, line VARCHAR NOT NULL, mode VARCHAR NOT NULL, since BIGINT NOT NULL,
    set_by VARCHAR NOT NULL, go_live_ts BIGINT, PRIMARY KEY (site, line)
  );
  CREATE TABLE mode_changes (
    site VARCHAR NOT NULL, line VARCHAR NOT NULL, ts BIGINT NOT NULL, who VARCHAR NOT NULL,
    from_mode VARCHAR, to_mode VARCHAR NOT NULL, go_live BOOLEAN NOT NULL, note VARCHAR
  );
  CREATE TABLE roi_inputs (
    site VARCHAR NOT NULL, line VARCHAR NOT NULL, field VARCHAR NOT NULL, value DOUBLE,
    PRIMARY KEY (site, line, field)
  );
  CREATE TABLE roi_input_changes (
    site VARCHAR NOT NULL, line VARCHAR NOT NULL, ts BIGINT NOT NULL, who VARCHAR NOT NULL,
    field VARCHAR NOT NULL, old DOUBLE, new DOUBLE, note VARCHAR
  );
  CREATE TABLE baselines (
    site VARCHAR NOT NULL, line VARCHAR NOT NULL, frozen_ts BIGINT NOT NULL, body JSON NOT NULL,
    current BOOLEAN NOT NULL
  );
  CREATE SEQUENCE label_id START 1;
  CREATE TABLE labels (
    id BIGINT PRIMARY KEY DEFAULT nextval('label_id'),
    site VARCHAR NOT NULL, line VARCHAR NOT NULL, agent VARCHAR NOT NULL, seq BIGINT NOT NULL,
    kind VARCHAR, note VARCHAR, who VARCHAR NOT NULL, ts BIGINT NOT NULL,
    result_ts BIGINT NOT NULL, result JSON NOT NULL, current BOOLEAN NOT NULL
  );
  CREATE TABLE alarm_rules (
    id VARCHAR PRIMARY KEY, body JSON NOT NULL, updated_ts BIGINT NOT NULL, updated_by VARCHAR NOT NULL
  );
  CREATE SEQUENCE alarm_id START 1;
  CREATE TABLE alarms (
    id BIGINT PRIMARY KEY DEFAULT nextval('alarm_id'),
    rule VARCHAR NOT NULL, kind VARCHAR NOT NULL, severity VARCHAR NOT NULL, key VARCHAR NOT NULL,
    site VARCHAR NOT NULL, line VARCHAR NOT NULL, agent VARCHAR, subject VARCHAR,
    state VARCHAR NOT NULL, since BIGINT NOT NULL, last_ts BIGINT NOT NULL, cleared_ts BIGINT,
    message VARCHAR NOT NULL, detail JSON NOT NULL, ack_who VARCHAR, ack_ts BIGINT, ack_note VARCHAR
  );
  ${DEFAULT_RULES_SQL}
`;
