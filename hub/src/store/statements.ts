import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBValue } from '@duckdb/node-api';

/**
 * Runs SQL through prepared statements kept per text: the fold's wide aggregate statements cost more to plan
 * than to run on one commit's rows, so each is planned once per connection.
 */
export function createStatements(conn: DuckDBConnection) {
  const cache = new Map<string, Promise<DuckDBPreparedStatement>>();
  const prepared = (sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = conn.prepare(sql);
      cache.set(sql, stmt);
      stmt.catch(() => cache.delete(sql));
    }
    return stmt;
  };
  return {
    async run(sql: string, params: DuckDBValue[] = []) {
      const stmt = await prepared(sql);
      stmt.bind(params);
      return stmt.run();
    },
    async rows(sql: string, params: DuckDBValue[] = []) {
      const stmt = await prepared(sql);
      stmt.bind(params);
      return (await stmt.runAndReadAll()).getRowObjectsJS();
    },
  };
}

export type Statements = ReturnType<typeof createStatements>;
