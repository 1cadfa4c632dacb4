/** Read queries of the DuckDB store. Parameters are positional ($1, $2, ...). */

/** Per-line counts in (now − window, now], shadow results excluded; lines known from births show as idle. */
export const LINE_COUNTS_SQL = `
  WITH w AS (
    SELECT * FROM results WHERE NOT shadow AND ts > $1 AND ts <= $2
  ),
  agg AS (
    SELECT site, line,
      count(DISTINCT agent) AS agents,
      count(*) AS inspected,
      count(*) FILTER (WHERE verdict = 'defect') AS defects,
      count(truth) AS truth_n,
      count(*) FILTER (WHERE truth = 'defect') AS truth_defects,
      min(ts) AS first_ts,
      max(ts) AS last_ts
    FROM w GROUP BY site, line
  ),
  known AS (SELECT site, line FROM agents UNION SELECT site, line FROM agg)
  SELECT k.site, k.line,
    coalesce(agg.agents, 0) AS agents,
    coalesce(agg.inspected, 0) AS inspected,
    coalesce(agg.defects, 0) AS defects,
    coalesce(agg.truth_n, 0) AS truth_n,
    coalesce(agg.truth_defects, 0) AS truth_defects,
    agg.first_ts, agg.last_ts
  FROM known k LEFT JOIN agg USING (site, line)
  ORDER BY k.site, k.line`;

export const COUNTERS_SQL = `
  SELECT
    (SELECT count(*) FROM results) AS results,
    (SELECT value FROM counters WHERE name = 'duplicates') AS duplicates,
    (SELECT count(*) FROM dead_letters) AS dead_letters`;

export const AGENTS_SQL = `
  SELECT site, line, agent, birth, state, stats, model_status, last_seen_ts
  FROM agents ORDER BY site, line, agent`;

export const DEAD_LETTERS_SQL = `
  SELECT id, ts, topic, sender, code, error, payload, payload_encoding, payload_size, truncated
  FROM dead_letters ORDER BY id DESC LIMIT $1`;

export const EVENTS_SQL = `
  SELECT site, line, agent, ts, received_ts, kind, severity, message, detail
  FROM events ORDER BY id DESC LIMIT $1`;

/** Newest results first, each filter optional (NULL = any). */
export const RESULTS_SQL = `
  SELECT site, line, agent, seq, ts, received_ts, frame, camera, model_id, model_version, verdict,
    score, threshold, latency_total, shadow, replayed, truth, image
  FROM results
  WHERE ($1::VARCHAR IS NULL OR site = $1) AND ($2::VARCHAR IS NULL OR line = $2)
    AND ($3::VARCHAR IS NULL OR agent = $3) AND ($4::VARCHAR IS NULL OR verdict = $4)
  ORDER BY ts DESC, seq DESC LIMIT $5`;

/** Latest-value columns of `agents`, one per channel; the only names interpolated into SQL. */
export const AGENT_COLUMNS = ['birth', 'state', 'stats', 'model_status'] as const;
export type AgentColumn = (typeof AGENT_COLUMNS)[number];

export function upsertAgentSql(column: AgentColumn): string {
  return `
    INSERT INTO agents (site, line, agent, ${column}, last_seen_ts) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (site, line, agent) DO UPDATE SET
      ${column} = excluded.${column},
      last_seen_ts = greatest(agents.last_seen_ts, excluded.last_seen_ts)`;
}
