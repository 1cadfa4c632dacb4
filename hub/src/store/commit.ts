import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { Stats } from '@sightline/protocol';
import { truncateError, truncatePayload } from './dead-letter.ts';
import type { Dims } from './dims.ts';
import { appendResultRow, CLOCK } from './result-rows.ts';
import { FOLD_SQL } from './rollup-sql.ts';
import type { SeqBatch, SeqIndex } from './seq-index.ts';
import { createStatements, type Statements } from './statements.ts';
import { statsIncrement } from './stats-rows.ts';
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
  lastStats: Map<number, Stats>;
}

/** Distinct senders kept in dead-letter counts; past this, new ones count as "(other)" (topics are untrusted). */
export const MAX_DEAD_LETTER_SENDERS = 10_000;

/** Bytes a dead letter takes, as counted against its cap. */
const storedBytes = (payload: string, error: string, topic: string) =>
  payload.length + error.length + topic.length;

export function createCommitter(
  conn: DuckDBConnection,
  deps: { dims: Dims; seqs: SeqIndex; state: WriterState; caps: DeadLetterCaps },
) {
  const { dims, seqs, state, caps } = deps;
  const sql = createStatements(conn);

  function senderKey(sender: string | null): string {
    const key = sender ?? '(none)';
    return state.deadLetterSenders.has(key) || state.deadLetterSenders.size < MAX_DEAD_LETTER_SENDERS
      ? key
      : '(other)';
  }

  /** Writes every op in one transaction. Returns each op's outcome; throws (after ROLLBACK) on failure. */
  return async function commit(ops: readonly WriteOp[]): Promise<OpOutcome[]> {
    const batch = state.batch + 1n;
    const dimsBatch = dims.batch();
    const seqBatch = seqs.batch();
    const outcomes: OpOutcome[] = [];
    const lastStats = new Map<number, Stats>();
    const dlCounts: Array<[code: string, sender: string, bytes: number]> = [];
    let inserted = 0;
    let duplicates = 0;
    let statsRows = 0;
    let pruned = 0;

    await conn.run('BEGIN TRANSACTION');
    try {
      const rows = await conn.createAppender('results');
      let statsAppender: DuckDBAppender | undefined;
      const agentUpdates = new Map<string, { agentId: number; column: string; value: unknown; ts: number }>();
      for (const op of ops) {
        if (op.kind === 'results') {
          const ids = dimsBatch.agent(op.ref);
          let ins = 0;
          let dup = 0;
          op.results.forEach((r, i) => {
            if (!seqBatch.stage(ids.agentId, r.seq)) {
              dup++;
              return;
            }
            const time = op.times?.[i];
            const ctx = {
              batch,
              ...ids,
              session: op.session,
              receivedTs: op.receivedTs,
              modelKey: dimsBatch.model(r.model.id, r.model.version),
            };
            appendResultRow(rows, ctx, r, time?.ts ?? r.ts, time?.clock ?? CLOCK.ok);
            ins++;
          });
          inserted += ins;
          duplicates += dup;
          outcomes.push({ inserted: ins, duplicates: dup });
          continue;
        }
        if (op.kind === 'fold') {
          outcomes.push(undefined);
          continue;
        }
        if (op.kind === 'prune') {
          // Only folded rows go: the tail is what the rollups do not hold yet.
          const removed = await conn.run('DELETE FROM results WHERE ts < $1 AND batch <= $2', [
            op.before,
            state.folded,
          ]);
          await conn.run('DELETE FROM agent_stats WHERE ts < $1 AND batch <= $2', [op.before, state.folded]);
          pruned += removed.rowsChanged;
          outcomes.push(removed.rowsChanged);
          continue;
        }
        outcomes.push(undefined);
        if (op.kind === 'agent') {
          const ids = dimsBatch.agent(op.ref);
          agentUpdates.set(`${ids.agentId}:${op.column}`, {
            agentId: ids.agentId,
            column: op.column,
            value: op.value,
            ts: op.receivedTs,
          });
          if (op.column === 'stats') {
            const stats = op.value as Stats;
            const inc = statsIncrement(stats, lastStats.get(ids.agentId) ?? state.lastStats.get(ids.agentId));
            lastStats.set(ids.agentId, stats);
            statsAppender ??= await conn.createAppender('agent_stats');
            statsAppender.appendBigInt(batch);
            statsAppender.appendInteger(ids.agentId);
            statsAppender.appendInteger(ids.lineId);
            statsAppender.appendBigInt(BigInt(stats.ts));
            statsAppender.appendDouble(inc.frames_captured);
            statsAppender.appendDouble(inc.frames_inspected);
            statsAppender.appendDouble(inc.frames_dropped);
            statsAppender.appendDouble(inc.run_ms);
            statsAppender.endRow();
            statsRows++;
          }
        } else if (op.kind === 'event') {
          const ids = dimsBatch.agent(op.ref);
          const { ts, kind, severity, message, detail } = op.event;
          await sql.run(
            `INSERT INTO events (site, line, agent, ts, received_ts, kind, severity, message, detail)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [
              op.ref.site,
              op.ref.line,
              op.ref.agent,
              ts,
              op.receivedTs,
              kind,
              severity,
              message,
              detail === undefined ? null : JSON.stringify(detail),
            ],
          );
          agentUpdates.set(`${ids.agentId}:seen`, {
            agentId: ids.agentId,
            column: '',
            value: null,
            ts: op.receivedTs,
          });
        } else {
          const l = op.letter;
          const kept = truncatePayload(l.payload);
          const error = truncateError(l.error);
          const bytes = storedBytes(kept.text, error, l.topic);
          await sql.run(
            `INSERT INTO dead_letters (ts, topic, sender, code, error, payload, payload_encoding, payload_size, truncated, stored_bytes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
            [
              l.ts,
              l.topic,
              l.sender,
              l.code,
              error,
              kept.text,
              kept.encoding,
              kept.size,
              kept.truncated,
              bytes,
            ],
          );
          const sender = senderKey(l.sender);
          await sql.run(
            `INSERT INTO dead_letter_counts VALUES ($1, $2, 1)
             ON CONFLICT (sender, code) DO UPDATE SET count = count + 1`,
            [sender, l.code],
          );
          dlCounts.push([l.code, sender, bytes]);
        }
      }
      rows.closeSync();
      statsAppender?.closeSync();
      await dimsBatch.write(conn);
      for (const u of agentUpdates.values()) {
        const set = u.column ? `${u.column} = $3, ` : '';
        await sql.run(
          `UPDATE agents SET ${set}last_seen_ts = greatest(last_seen_ts, $2) WHERE agent_id = $1`,
          [u.agentId, u.ts, ...(u.column ? [JSON.stringify(u.value)] : [])],
        );
      }
      const folding = ops.some((op) => op.kind === 'fold');
      if (folding) await foldTail(sql, conn, state, seqs, seqBatch, batch, state.duplicates + duplicates);
      const evicted = await evictDeadLetters(conn, state, dlCounts, caps);
      await conn.run('COMMIT');

      // Committed: only now does memory follow.
      dims.apply(dimsBatch);
      seqs.apply(seqBatch);
      for (const [id, s] of lastStats) state.lastStats.set(id, s);
      state.batch = batch;
      state.unfoldedRows += inserted + statsRows;
      for (const agentId of seqBatch.merged().keys()) state.unfoldedAgents.add(agentId);
      if (folding) {
        state.folded = batch;
        state.unfoldedRows = 0;
        state.unfoldedAgents.clear();
      }
      state.results += inserted - pruned;
      state.duplicates += duplicates;
      for (const [code, sender] of dlCounts) {
        const bySender = state.deadLetterCounts.get(code) ?? new Map<string, number>();
        state.deadLetterCounts.set(code, bySender);
        bySender.set(sender, (bySender.get(sender) ?? 0) + 1);
        state.deadLetterSenders.add(sender);
      }
      if (evicted) Object.assign(state.deadLetters, evicted);
      else {
        state.deadLetters.rows += dlCounts.length;
        state.deadLetters.bytes += dlCounts.reduce((s, [, , b]) => s + b, 0);
      }
      return outcomes;
    } catch (cause) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw cause;
    }
  };
}

/**
 * Folds the raw tail — rows of transactions (folded, batch] — into the rollups and writes the seq intervals of the
 * agents it touched, in the transaction of the current batch. Acknowledgements never wait for this: commits
 * append raw rows only, and queries add the tail to the rollups until the next fold.
 */
async function foldTail(
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
  await sql.run(
    `UPDATE counters SET value = CASE name WHEN 'duplicates' THEN $2 ELSE $1 END
     WHERE name IN ('batch', 'folded', 'duplicates')`,
    [batch, duplicates],
  );
}

/** Keeps dead letters under their row and byte caps, oldest out first, down to 90 % so it runs seldom. */
async function evictDeadLetters(
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
