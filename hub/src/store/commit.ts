import type { DuckDBConnection } from '@duckdb/node-api';
import type { Stats } from '@sightline/protocol';
import { createAppenders } from './appenders.ts';
import type { Duplicate, RecentBatches } from './conflicts.ts';
import type { Dims } from './dims.ts';
import { evictDeadLetters, foldTail } from './fold.ts';
import type { SeqIndex } from './seq-index.ts';
import { stageOps } from './stage.ts';
import { createStatements } from './statements.ts';
import type { OpOutcome, WriteOp } from './write-ops.ts';

export interface DeadLetterCaps {
  maxRows: number;
  maxBytes: number;
}

/** In-memory state the writer keeps beside the database; changed only after a commit succeeded. */
export interface WriterState {
  /** Number of the last committed transaction; raw rows carry the number of the one that wrote them. */
  batch: bigint;
  /** Rows of transactions up to this one are in the rollups and seq_ranges; later ones are the raw tail. */
  folded: bigint;
  unfoldedRows: number;
  /** Agents with seqs committed since the last fold (their seq_ranges rows are rewritten by the next). */
  unfoldedAgents: Set<number>;
  results: number;
  duplicates: number;
  deadLetters: { rows: number; bytes: number; evicted: number };
  /** Dead letters per reason and per sender since the database was created. */
  deadLetterCounts: Map<string, Map<string, number>>;
  deadLetterSenders: Set<string>;
  /** Each agent's last stats (for the next one's interval). */
  lastStats: Map<number, Stats>;
  /** Stats received since the last fold, written to `agents.stats` by it. */
  latestStats: Map<number, { stats: Stats; receivedTs: number }>;
  /** When each agent's latest results arrived (hub clock): results are a sign of life too, written by the fold. */
  heard: Map<number, number>;
}

/**
 * Writes a group of ops in one transaction. Results and stats go through appenders kept open on the writer
 * connection (creating one is a round trip through a busy event loop); births, events, dead letters, new agents
 * and the fold add SQL to the same transaction. Results and stats alone need no SQL but BEGIN and COMMIT.
 */
export function createCommitter(
  conn: DuckDBConnection,
  deps: {
    dims: Dims;
    seqs: SeqIndex;
    state: WriterState;
    caps: DeadLetterCaps;
    recent?: RecentBatches;
    /** Redelivered results of a committed transaction, to compare with what is stored. */
    onDuplicates?: (dups: Duplicate[]) => void;
  },
) {
  const { dims, seqs, state, caps, recent } = deps;
  const sql = createStatements(conn);
  const appenders = createAppenders(conn);

  /** Commits every op, or none (throws). Returns each op's outcome. */
  return async function commit(ops: readonly WriteOp[]): Promise<OpOutcome[]> {
    const batch = state.batch + 1n;
    await appenders.open();
    let plan: ReturnType<typeof stageOps>;
    try {
      plan = stageOps(ops, { batch, dims, seqs, state, appenders, recent });
    } catch (cause) {
      appenders.discard(); // a row may be half appended
      throw cause;
    }
    await conn.run('BEGIN TRANSACTION');
    try {
      if (plan.needsSql) await plan.writeSql(sql);
      // Inside the transaction the flush only moves rows to its local storage; COMMIT (off the event loop, on
      // DuckDB's side of the binding) merges them and writes the WAL.
      appenders.flush();
      if (plan.folding) {
        await foldTail(sql, conn, state, seqs, plan.seqBatch, batch, state.duplicates + plan.duplicates);
      }
      if (plan.deadLetters.length > 0)
        plan.evicted = await evictDeadLetters(conn, state, plan.deadLetters, caps);
      await conn.run('COMMIT');
    } catch (cause) {
      await conn.run('ROLLBACK').catch(() => undefined);
      // Rows staged in the appenders belong to the failed transaction: drop them, unwritten.
      appenders.discard();
      throw cause;
    }
    plan.apply();
    if (plan.duplicateRows.length > 0) deps.onDuplicates?.(plan.duplicateRows);
    return plan.outcomes;
  };
}
