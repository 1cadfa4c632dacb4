/** Read queries of the DuckDB store. Parameters are positional ($1, $2, ...). */
import {
  EFFECTIVE_RUN_MS,
  LATENCY_BOUNDS_MS,
  LINE_SUMS,
  rawAggregateSql,
  recipeAggregateSql,
  SUM_COLUMNS,
} from './rollup-sql.ts';

const sums = (from = '') => SUM_COLUMNS.map((c) => `sum(${from}${c}) AS ${c}`).join(', ');
const extremes = (from = '') =>
  `min(${from}first_ts) AS first_ts, max(${from}last_ts) AS last_ts, max(${from}latency_max) AS latency_max`;

/** The last folded transaction: raw rows after it (the tail) are not in the rollups yet. */
const FOLDED = "(SELECT value FROM counters WHERE name = 'folded')";
const lineSums = LINE_SUMS();

/**
 * Raw rows aggregated per (line, minute) like the line rollup: sums, and run time as the longest of the line's
 * agents' (EFFECTIVE_RUN_MS).
 */
const rawLineMinutes = (where: string) => `
  SELECT line_id, minute, ${lineSums}, ${extremes()}, max(${EFFECTIVE_RUN_MS}) AS run_ms
  FROM (${rawAggregateSql(where, where)}) GROUP BY line_id, minute`;

/**
 * Rollup minutes plus raw ones (the edges of a window, the tail since the last fold). Counts add up exactly; a
 * minute with rows on both sides (the tail) gets the run time of each side added, at most the tail's length over.
 */
const lineMinutes = (rollupWhere: string, rawWhere: string) => `
  SELECT * FROM rollup_line_minute WHERE ${rollupWhere}
  UNION ALL BY NAME ${rawLineMinutes(rawWhere)}`;

/**
 * The raw rows a window takes, as three ranges a scan can prune by zone maps (an OR of them could not): the
 * partial minute at the start, the partial minute at the end, and the unfolded tail in the whole minutes between.
 */
const WINDOW_RAW = [
  'ts > $1 AND ts <= $2 AND ts < $3::BIGINT * 60000',
  'ts > $1 AND ts <= $2 AND ts >= $4::BIGINT * 60000',
  `batch > ${FOLDED} AND ts >= $3::BIGINT * 60000 AND ts < $4::BIGINT * 60000 AND ts > $1 AND ts <= $2`,
];

/**
 * Per-line counts over the window (start, end] ($1, $2): whole minutes [$3, $4) from the line rollup, and from raw
 * rows the partial minutes at either edge plus the tail not folded yet (aggregated by the same SQL that builds the
 * rollups). Lines known from births but idle in the window come back with zero counts.
 */
export const WINDOW_LINES_SQL = `
  WITH minutes AS (
    SELECT * FROM rollup_line_minute WHERE minute >= $3 AND minute < $4
    ${WINDOW_RAW.map((where) => `UNION ALL BY NAME ${rawLineMinutes(where)}`).join('\n    ')}
  ),
  per_line AS (SELECT line_id, ${sums()}, ${extremes()} FROM minutes GROUP BY line_id),
  active AS (
    SELECT line_id, count(DISTINCT agent_id) AS agents FROM (
      SELECT line_id, agent_id FROM rollup_agent_minute WHERE minute >= $3 AND minute < $4 AND n > 0
      ${WINDOW_RAW.map((where) => `UNION SELECT line_id, agent_id FROM results WHERE NOT shadow AND ${where}`).join('\n      ')}
    ) GROUP BY line_id
  )
  SELECT l.site, l.line, coalesce(active.agents, 0) AS agents, per_line.*
  FROM lines l LEFT JOIN per_line USING (line_id) LEFT JOIN active USING (line_id)
  ORDER BY l.site, l.line`;

/**
 * Per (line, recipe) counts over the window (start, end] ($1, $2): whole minutes [$3, $4) from the recipe rollup,
 * the edges and the unfolded tail from raw rows, as WINDOW_LINES_SQL takes them.
 */
export const WINDOW_RECIPES_SQL = `
  SELECT l.site, l.line, m.recipe, sum(n) AS n, sum(defects) AS defects, sum(uncertain) AS uncertain,
    sum(truth_n) AS truth_n, sum(truth_defects) AS truth_defects
  FROM (
    SELECT line_id, recipe, n, defects, uncertain, truth_n, truth_defects
    FROM rollup_line_recipe_minute WHERE minute >= $3 AND minute < $4
    ${WINDOW_RAW.map((where) => `UNION ALL BY NAME ${recipeAggregateSql(`(${where})`)}`).join('\n    ')}
  ) m JOIN lines l USING (line_id)
  GROUP BY ALL ORDER BY l.site, l.line, m.recipe`;

/** One line's buckets of $4 minutes from minute $2 to $3 (exclusive), aligned to minute offset $5. */
export const SERIES_SQL = `
  SELECT ((minute - $5) // $4) * $4 + $5 AS bucket, ${sums()}, ${extremes()}
  FROM (${lineMinutes(
    'line_id = $1 AND minute >= $2 AND minute < $3',
    `line_id = $1 AND ts >= $2::BIGINT * 60000 AND ts < $3::BIGINT * 60000 AND batch > ${FOLDED}`,
  )})
  GROUP BY bucket ORDER BY bucket`;

export const SERIES_CLASSES_SQL = `
  SELECT ((minute - $5) // $4) * $4 + $5 AS bucket, class, sum(defects) AS defects
  FROM (
    SELECT minute, class, defects FROM rollup_line_class_minute WHERE line_id = $1 AND minute >= $2 AND minute < $3
    UNION ALL
    SELECT (ts // 60000)::INTEGER, top_class, 1 FROM results
    WHERE line_id = $1 AND ts >= $2::BIGINT * 60000 AND ts < $3::BIGINT * 60000 AND batch > ${FOLDED}
      AND verdict = 1 AND NOT shadow AND top_class IS NOT NULL
  )
  GROUP BY ALL`;

/** Per-agent counts over whole minutes [$1, $2) (rollups plus the raw tail), with names. */
export const AGENT_TOTALS_SQL = `
  SELECT a.site, a.line, a.agent, t.*
  FROM agents a JOIN (
    SELECT agent_id, ${sums()}, ${extremes()} FROM (
      SELECT * FROM rollup_agent_minute WHERE minute >= $1 AND minute < $2
      UNION ALL BY NAME ${rawAggregateSql(
        `ts >= $1::BIGINT * 60000 AND ts < $2::BIGINT * 60000 AND batch > ${FOLDED}`,
        `ts >= $1::BIGINT * 60000 AND ts < $2::BIGINT * 60000 AND batch > ${FOLDED}`,
      )}
    ) GROUP BY agent_id
  ) t USING (agent_id)
  ORDER BY a.site, a.line, a.agent`;

export const AGENTS_SQL = `
  SELECT agent_id, site, line, agent, birth, state, stats, model_status, last_seen_ts
  FROM agents ORDER BY site, line, agent`;

export const DEAD_LETTERS_SQL = `
  SELECT id, ts, topic, sender, code, error, payload, payload_encoding, payload_size, truncated
  FROM dead_letters ORDER BY id DESC LIMIT $1`;

export const EVENTS_SQL = `
  SELECT site, line, agent, ts, received_ts, kind, severity, message, detail
  FROM events ORDER BY id DESC LIMIT $1`;

/**
 * A page of results, newest first, strictly after the cursor ($1 ts, $2 agent_id, $3 seq) and no older than
 * $4 (the store widens $4 step by step, so a page reads only recent row groups). NULL filters match anything.
 */
export const RESULTS_PAGE_SQL = `
  SELECT r.agent_id, r.seq, r.ts, r.device_ts, r.received_ts, r.clock, r.frame, r.camera, m.id AS model_id,
    m.version AS model_version, r.verdict, r.score, r.threshold, r.latency_total, r.shadow, r.replayed, r.truth,
    r.image, r.part, r.recipe
  FROM results r JOIN models m USING (model_key)
  WHERE r.ts >= $4 AND (r.ts, r.agent_id, r.seq) < ($1, $2, $3)
    AND ($5::INTEGER[] IS NULL OR list_contains($5::INTEGER[], r.agent_id))
    AND ($6::UTINYINT IS NULL OR r.verdict = $6)
    AND ($8::VARCHAR IS NULL OR r.part = $8)
    AND ($9::VARCHAR IS NULL OR r.recipe = $9)
  ORDER BY r.ts DESC, r.agent_id DESC, r.seq DESC LIMIT $7`;

export const LATENCY_LE_COLUMNS = LATENCY_BOUNDS_MS.map((b) => `lat_le_${b}`);
