import { CLOCK } from '../store/result-rows.ts';
import { TRUTH_CODE, VERDICT_NAME } from '../store/rollup-sql.ts';

/**
 * What GET /api/export can read. Each entry is a SELECT whose WHERE takes the bound filters
 * $1 site, $2 line, $3 agent, $4 from (ms, inclusive), $5 to (ms, exclusive); nothing from a request is
 * ever written into SQL text.
 */
export type ExportTables = Record<string, string>;

function where(sender: { site: string; line: string; agent: string }, ts: string): string {
  return `WHERE ($1::VARCHAR IS NULL OR ${sender.site} = $1)
    AND ($2::VARCHAR IS NULL OR ${sender.line} = $2)
    AND ($3::VARCHAR IS NULL OR ${sender.agent} = $3)
    AND ($4::BIGINT IS NULL OR ${ts} >= $4)
    AND ($5::BIGINT IS NULL OR ${ts} < $5)`;
}

/** A code column back to its names: `CASE col WHEN 0 THEN 'ok' … END`. */
function names(column: string, byCode: Record<number, string>): string {
  const arms = Object.entries(byCode).map(([code, name]) => `WHEN ${code} THEN '${name}'`);
  return `CASE ${column} ${arms.join(' ')} END`;
}
const invert = (codes: Record<string, number>) =>
  Object.fromEntries(Object.entries(codes).map(([name, code]) => [code, name]));

const columns = { site: 'site', line: 'line', agent: 'agent' };
const resultSender = { site: 'a.site', line: 'a.line', agent: 'a.agent' };
// Dead letters name their sender as one "site/line/agent" string (null when the topic named none).
const deadLetterSender = {
  site: "split_part(sender, '/', 1)",
  line: "split_part(sender, '/', 2)",
  agent: "split_part(sender, '/', 3)",
};

/**
 * Results as agents sent them: the store keeps ids (agents, models) and codes (verdict, truth, clock); an export
 * names them again, so a spreadsheet or a notebook needs no lookup tables.
 */
const RESULTS = `SELECT a.site, a.line, a.agent, r.seq, r.ts, r.device_ts, r.received_ts,
    ${names('r.clock', invert(CLOCK))} AS clock, r.session, r.frame, r.camera,
    m.id AS model_id, m.version AS model_version,
    ${names('r.verdict', { ...VERDICT_NAME })} AS verdict, r.score, r.threshold,
    r.latency_capture, r.latency_preprocess, r.latency_infer, r.latency_total, r.shadow, r.replayed,
    ${names('r.truth', invert(TRUTH_CODE))} AS truth, r.top_class, r.image, r.extra
  FROM results r JOIN agents a USING (agent_id) JOIN models m USING (model_key)
  ${where(resultSender, 'r.ts')}`;

export const EXPORT_TABLES = {
  /** Results by capture time `ts`. */
  results: RESULTS,
  /** Agent events by the agent's `ts`. */
  events: `SELECT * FROM events ${where(columns, 'ts')}`,
  /** Rejected messages by receive time `ts`. */
  dead_letters: `SELECT * EXCLUDE (stored_bytes) FROM dead_letters ${where(deadLetterSender, 'ts')}`,
  /** Sample rows by capture time; the image itself is GET /api/samples/{sha256}. */
  samples: `SELECT * EXCLUDE (path) FROM samples ${where(columns, 'ts')}`,
} as const satisfies ExportTables;

export type ExportTableName = keyof typeof EXPORT_TABLES;
export const EXPORT_TABLE_NAMES = Object.keys(EXPORT_TABLES) as [ExportTableName, ...ExportTableName[]];
