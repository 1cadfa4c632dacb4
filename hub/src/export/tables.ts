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

const columns = { site: 'site', line: 'line', agent: 'agent' };
// Dead letters name their sender as one "site/line/agent" string (null when the topic named none).
const deadLetterSender = {
  site: "split_part(sender, '/', 1)",
  line: "split_part(sender, '/', 2)",
  agent: "split_part(sender, '/', 3)",
};

export const EXPORT_TABLES = {
  /** Results by capture time `ts`. */
  results: `SELECT * FROM results ${where(columns, 'ts')}`,
  /** Agent events by the agent's `ts`. */
  events: `SELECT * FROM events ${where(columns, 'ts')}`,
  /** Rejected messages by receive time `ts`. */
  dead_letters: `SELECT * FROM dead_letters ${where(deadLetterSender, 'ts')}`,
  /** Sample rows by capture time; the image itself is GET /api/samples/{sha256}. */
  samples: `SELECT * EXCLUDE (path) FROM samples ${where(columns, 'ts')}`,
} as const satisfies ExportTables;

export type ExportTableName = keyof typeof EXPORT_TABLES;
export const EXPORT_TABLE_NAMES = Object.keys(EXPORT_TABLES) as [ExportTableName, ...ExportTableName[]];
