/**
 * The one definition of every rollup column. `rawAggregateSql` turns raw rows (results and stats history)
 * into per (agent, minute) aggregates; the same SQL folds each commit's rows into the rollup tables, rebuilds
 * them after a migration, and aggregates the partial minutes at a window's edges.
 */

/** Verdict and truth codes of the raw table. */
export const VERDICT_CODE = { ok: 0, defect: 1, uncertain: 2 } as const;
export const VERDICT_NAME = ['ok', 'defect', 'uncertain'] as const;
export const TRUTH_CODE = { ok: 0, defect: 1 } as const;

import { LATENCY_BOUNDS_MS } from '../metrics/counts.ts';

export { LATENCY_BOUNDS_MS };

const latencyCols = LATENCY_BOUNDS_MS.map((b) => `lat_le_${b}`);

/** Additive rollup columns (summed when minutes are merged or buckets are built). */
export const SUM_COLUMNS = [
  'n',
  'defects',
  'uncertain',
  'truth_n',
  'truth_defects',
  'shadow_n',
  'shadow_defects',
  'pilot_n',
  'pilot_defects',
  'latency_sum',
  ...latencyCols,
  'frames_captured',
  'frames_inspected',
  'frames_dropped',
  'stats_n',
  'run_ms',
] as const;

const live = 'NOT shadow';
const resultAggregates = [
  `count(*) FILTER (WHERE ${live}) AS n`,
  `count(*) FILTER (WHERE ${live} AND verdict = 1) AS defects`,
  `count(*) FILTER (WHERE ${live} AND verdict = 2) AS uncertain`,
  `count(truth) FILTER (WHERE ${live}) AS truth_n`,
  `count(*) FILTER (WHERE ${live} AND truth = 1) AS truth_defects`,
  `count(*) FILTER (WHERE shadow) AS shadow_n`,
  `count(*) FILTER (WHERE shadow AND verdict = 1) AS shadow_defects`,
  `count(*) FILTER (WHERE ${live} AND pilot) AS pilot_n`,
  `count(*) FILTER (WHERE ${live} AND pilot AND verdict = 1) AS pilot_defects`,
  `min(ts) FILTER (WHERE ${live}) AS first_ts`,
  `max(ts) FILTER (WHERE ${live}) AS last_ts`,
  `sum(latency_total) FILTER (WHERE ${live}) AS latency_sum`,
  `max(latency_total) FILTER (WHERE ${live}) AS latency_max`,
  ...LATENCY_BOUNDS_MS.map((b) => `count(*) FILTER (WHERE ${live} AND latency_total <= ${b}) AS lat_le_${b}`),
];
const statsAggregates = [
  'sum(frames_captured) AS frames_captured',
  'sum(frames_inspected) AS frames_inspected',
  'sum(frames_dropped) AS frames_dropped',
  'count(*) AS stats_n',
  'sum(run_ms) AS run_ms',
];

const typeOf = (c: string) =>
  c.startsWith('frames') || c === 'latency_sum' || c === 'run_ms' ? 'DOUBLE' : 'UINTEGER';

/** Sums of a line's agents' rollup columns, all but run time (a line's is the longest of its agents'). */
export const LINE_SUMS = (from = '') =>
  SUM_COLUMNS.filter((c) => c !== 'run_ms')
    .map((c) => `sum(${from}${c})::${typeOf(c)} AS ${c}`)
    .join(', ');

/** Per (agent_id, line_id, minute): every rollup column over the raw rows matching the two conditions. */
export function rawAggregateSql(resultsWhere: string, statsWhere: string): string {
  const sums = SUM_COLUMNS.map((c) => `coalesce(sum(${c}), 0)::${typeOf(c)} AS ${c}`);
  return `
    SELECT agent_id, line_id, minute,
      ${sums.join(',\n      ')},
      min(first_ts) AS first_ts, max(last_ts) AS last_ts, coalesce(max(latency_max), 0)::FLOAT AS latency_max
    FROM (
      SELECT agent_id, line_id, (ts // 60000)::INTEGER AS minute, ${resultAggregates.join(', ')}
      FROM results WHERE ${resultsWhere} GROUP BY ALL
      UNION ALL BY NAME
      SELECT agent_id, line_id, (ts // 60000)::INTEGER AS minute, ${statsAggregates.join(', ')}
      FROM agent_stats WHERE ${statsWhere} GROUP BY ALL
    )
    GROUP BY agent_id, line_id, minute`;
}

/**
 * Run time of an agent in a minute: what its stats say it ran. An agent that sent results but no stats (a foreign
 * agent, or before its first stats) ran, as far as the hub can tell, from its first to its last part plus one
 * mean gap: (last − first) · n / (n − 1); a lone part counts the whole minute. Results are proof the line ran, so
 * the stats can only lengthen that span, never shorten it: stats sent while the camera was still starting or had
 * just ended say 0 ms, and a minute with parts in it must not read 0 parts/min. A line's run time in a minute is
 * the longest of its agents'.
 */
const STATS_RUN_MS = 'CASE WHEN stats_n > 0 THEN least(run_ms, 60000) ELSE 0 END';
export const EFFECTIVE_RUN_MS = `CASE
  WHEN n > 1 THEN greatest(${STATS_RUN_MS}, least(60000, (last_ts - first_ts) * n / (n - 1)))
  WHEN n = 1 THEN CASE WHEN stats_n > 0 AND run_ms > 0 THEN least(run_ms, 60000) ELSE 60000 END
  ELSE ${STATS_RUN_MS} END`;

const setSums = SUM_COLUMNS.map((c) => `${c} = r.${c} + i.${c}`).join(', ');
const setExtremes =
  'first_ts = least(r.first_ts, i.first_ts), last_ts = greatest(r.last_ts, i.last_ts), latency_max = greatest(r.latency_max, i.latency_max)';

/** Adds increments to the rollup rows that exist, reading only the touched minutes ($1, $2). */
const updateSql = (table: string, increments: string, key: string, set: string) => `
    UPDATE ${table} AS r SET ${set}
    FROM ${increments} AS i
    WHERE r.${key} = i.${key} AND r.minute = i.minute AND r.minute BETWEEN $1 AND $2`;

/** Inserts the increments whose rollup rows do not exist yet. */
const insertNewSql = (table: string, increments: string, key: string) => `
    INSERT INTO ${table} BY NAME
    SELECT i.* FROM ${increments} AS i
    ANTI JOIN (SELECT ${key}, minute FROM ${table} WHERE minute BETWEEN $1 AND $2) AS r
      USING (${key}, minute)`;

/** Per (line, recipe, minute) counts of the raw rows matching `where`: the recipe rollup's one definition. */
export const recipeAggregateSql = (where: string) => `
    SELECT line_id, coalesce(recipe, '') AS recipe, (ts // 60000)::INTEGER AS minute, count(*)::UINTEGER AS n,
      count(*) FILTER (WHERE verdict = 1)::UINTEGER AS defects, count(*) FILTER (WHERE verdict = 2)::UINTEGER AS uncertain,
      count(truth)::UINTEGER AS truth_n, count(*) FILTER (WHERE truth = 1)::UINTEGER AS truth_defects
    FROM results WHERE NOT shadow AND ${where} GROUP BY ALL`;

/**
 * Statements that fold the raw tail (batch in ($1, $2]) into the rollups. The merges take the touched minutes'
 * bounds ($1, $2 there), so they read only those rollup row groups (zone maps).
 */
export const FOLD_SQL = {
  clearAgents: 'DELETE FROM fold_agent',
  clearLines: 'DELETE FROM fold_line',
  aggregate: `INSERT INTO fold_agent BY NAME ${rawAggregateSql('batch > $1 AND batch <= $2', 'batch > $1 AND batch <= $2')}`,
  range: 'SELECT min(minute) AS lo, max(minute) AS hi FROM fold_agent',
  updateAgents: updateSql('rollup_agent_minute', 'fold_agent', 'agent_id', `${setSums}, ${setExtremes}`),
  insertAgents: insertNewSql('rollup_agent_minute', 'fold_agent', 'agent_id'),
  lineIncrements: `
    INSERT INTO fold_line BY NAME
    SELECT i.line_id, i.minute,
      ${LINE_SUMS('i.')},
      min(i.first_ts) AS first_ts, max(i.last_ts) AS last_ts, max(i.latency_max) AS latency_max,
      any_value(run.run_ms) AS run_ms
    FROM fold_agent AS i
    JOIN (
      SELECT line_id, minute, max(${EFFECTIVE_RUN_MS})::DOUBLE AS run_ms
      FROM rollup_agent_minute
      WHERE minute BETWEEN $1 AND $2 AND (line_id, minute) IN (SELECT line_id, minute FROM fold_agent)
      GROUP BY line_id, minute
    ) AS run USING (line_id, minute)
    GROUP BY i.line_id, i.minute`,
  updateLines: updateSql(
    'rollup_line_minute',
    'fold_line',
    'line_id',
    `${SUM_COLUMNS.filter((c) => c !== 'run_ms')
      .map((c) => `${c} = r.${c} + i.${c}`)
      .join(', ')}, ${setExtremes}, run_ms = i.run_ms`,
  ),
  insertLines: insertNewSql('rollup_line_minute', 'fold_line', 'line_id'),
  classes: `
    INSERT INTO rollup_line_class_minute
    SELECT line_id, (ts // 60000)::INTEGER, top_class, count(*)::UINTEGER
    FROM results WHERE batch > $1 AND batch <= $2 AND verdict = 1 AND NOT shadow AND top_class IS NOT NULL
    GROUP BY ALL`,
  recipes: `INSERT INTO rollup_line_recipe_minute BY NAME ${recipeAggregateSql('batch > $1 AND batch <= $2')}`,
} as const;

/** Temp tables the fold stages increments in (created once per writer connection). */
export const FOLD_TEMP_TABLES = `
  CREATE TEMP TABLE fold_agent AS SELECT * FROM rollup_agent_minute LIMIT 0;
  CREATE TEMP TABLE fold_line AS SELECT * FROM rollup_line_minute LIMIT 0;`;
