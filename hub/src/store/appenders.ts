import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';

/**
 * The writer's appenders for the raw tables, kept open between commits (creating one is a round trip). Rows wait
 * in them until `flush`, which writes them in the connection's transaction, or in one of its own when none is open.
 */
export function createAppenders(conn: DuckDBConnection) {
  let results: DuckDBAppender | undefined;
  let stats: DuckDBAppender | undefined;
  let pending = { results: 0, stats: 0 };
  return {
    async open() {
      results ??= await conn.createAppender('results');
      stats ??= await conn.createAppender('agent_stats');
    },
    get results(): DuckDBAppender {
      pending.results++;
      return results as DuckDBAppender;
    },
    get stats(): DuckDBAppender {
      pending.stats++;
      return stats as DuckDBAppender;
    },
    flush() {
      if (pending.results > 0) results?.flushSync();
      if (pending.stats > 0) stats?.flushSync();
      pending = { results: 0, stats: 0 };
    },
    /** Drops whatever was staged, unwritten (after a failure); the next commit opens new appenders. */
    discard() {
      for (const a of [results, stats]) {
        try {
          a?.clear(); // never flush: these rows belong to the failed commit
          a?.closeSync();
        } catch {
          // An appender that failed may refuse to close; it holds nothing now.
        }
      }
      results = undefined;
      stats = undefined;
      pending = { results: 0, stats: 0 };
    },
  };
}

export type Appenders = ReturnType<typeof createAppenders>;
