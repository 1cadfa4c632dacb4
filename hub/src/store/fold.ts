import type { DuckDBConnection } from '@duckdb/node-api';
import type { DeadLetterCaps, WriterState } from './commit.ts';
import { FOLD_SQL } from './rollup-sql.ts';
import type { SeqBatch, SeqIndex } from './seq-index.ts';
import type { Statements } from './statements.ts';

/**
 * Folds the raw tail — rows of transactions (folded, batch] — into the rollups and writes the seq intervals of the
 * agents it touched, in the transaction of the current batch. Acknowledgements never wait for this: commits
 * append raw rows only, and queries add the tail to the rollups until the next fold.
 */
export async function foldTail(
  sql: Statements,
  conn: DuckDBConnection,
  state: WriterState,
  seqs: SeqIndex,
  staged: SeqBatch,
  batch: bigint,
  duplicates: number,
): Promise<void> {
  const span = [state.folded, batch];
  await sql.run(FOLD_SQL.clearAgents);
  await sql.run(FOLD_SQL.clearLines);
  await sql.run(FOLD_SQL.aggregate, span);
  const range = (await sql.rows(FOLD_SQL.range))[0];
  if (range?.lo !== null && range?.lo !== undefined) {
    const bounds = [Number(range.lo), Number(range.hi)];
    await sql.run(FOLD_SQL.updateAgents, bounds);
    await sql.run(FOLD_SQL.insertAgents, bounds);
    await sql.run(FOLD_SQL.lineIncrements, bounds);
    await sql.run(FOLD_SQL.updateLines, bounds);
    await sql.run(FOLD_SQL.insertLines, bounds);
    await sql.run(FOLD_SQL.classes, span);
    await sql.run(FOLD_SQL.recipes, span);
  }
  // Results are a sign of life: an agent that sends only results (a foreign one) is not "silent".
  if (state.heard.size > 0) {
    await sql.run(
      `UPDATE agents SET last_seen_ts = greatest(agents.last_seen_ts, h.ts)
       FROM (SELECT unnest($1::INTEGER[]) AS agent_id, unnest($2::BIGINT[]) AS ts) h
       WHERE agents.agent_id = h.agent_id`,
      [`[${[...state.heard.keys()].join(',')}]`, `[${[...state.heard.values()].join(',')}]`],
    );
  }
  const merged = staged.merged();
  const agents = new Set([...state.unfoldedAgents, ...merged.keys()]);
  if (agents.size > 0) {
    await sql.run('DELETE FROM seq_ranges WHERE list_contains($1::INTEGER[], agent_id)', [
      `[${[...agents].join(',')}]`,
    ]);
    const ranges = await conn.createAppender('seq_ranges');
    for (const agentId of agents) {
      for (const [lo, hi] of merged.get(agentId) ?? seqs.intervals(agentId)) {
        ranges.appendInteger(agentId);
        ranges.appendBigInt(BigInt(lo));
        ranges.appendBigInt(BigInt(hi));
        ranges.endRow();
      }
    }
    ranges.closeSync();
  }
  // Each agent's latest stats, kept in memory between folds (commits of results and stats take no SQL).
  if (state.latestStats.size > 0) {
    await sql.run('DELETE FROM latest_stats');
    const latest = await conn.createAppender('latest_stats', 'main', 'temp');
    for (const [agentId, { stats, receivedTs }] of state.latestStats) {
      latest.appendInteger(agentId);
      latest.appendVarchar(JSON.stringify(stats));
      latest.appendBigInt(BigInt(receivedTs));
      latest.endRow();
    }
    latest.closeSync();
    await sql.run(`UPDATE agents SET stats = l.stats::JSON, last_seen_ts = greatest(agents.last_seen_ts, l.received_ts)
      FROM latest_stats l WHERE agents.agent_id = l.agent_id`);
  }
  await sql.run(
    `UPDATE counters SET value = CASE name WHEN 'duplicates' THEN $2 ELSE $1 END
     WHERE name IN ('batch', 'folded', 'duplicates')`,
    [batch, duplicates],
  );
}

/** Keeps dead letters under their row and byte caps, oldest out first, down to 90 % so it runs seldom. */
export async function evictDeadLetters(
  conn: DuckDBConnection,
  state: WriterState,
  added: ReadonlyArray<[string, string, number]>,
  caps: DeadLetterCaps,
): Promise<WriterState['deadLetters'] | undefined> {
  const rows = state.deadLetters.rows + added.length;
  const bytes = state.deadLetters.bytes + added.reduce((s, [, , b]) => s + b, 0);
  if (rows <= caps.maxRows && bytes <= caps.maxBytes) return undefined;
  const keepRows = Math.floor(caps.maxRows * 0.9);
  const keepBytes = Math.floor(caps.maxBytes * 0.9);
  const removed = await conn.run(
    `DELETE FROM dead_letters WHERE id IN (
       SELECT id FROM (
         SELECT id, row_number() OVER (ORDER BY id DESC) AS newer_rows,
           sum(stored_bytes) OVER (ORDER BY id DESC) AS newer_bytes
         FROM dead_letters)
       WHERE newer_rows > $1 OR newer_bytes > $2)`,
    [keepRows, keepBytes],
  );
  const evicted = removed.rowsChanged;
  await conn.run("UPDATE counters SET value = value + $1 WHERE name = 'dead_letters_evicted'", [evicted]);
  const left = (
    await conn.runAndReadAll('SELECT count(*) AS n, coalesce(sum(stored_bytes), 0) AS b FROM dead_letters')
  ).getRowObjectsJS()[0];
  return {
    rows: Number(left?.n ?? 0),
    bytes: Number(left?.b ?? 0),
    evicted: state.deadLetters.evicted + evicted,
  };
}
