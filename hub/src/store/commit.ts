import type { DuckDBConnection } from '@duckdb/node-api';
import type { Stats } from '@sightline/protocol';
import { truncateError, truncatePayload } from './dead-letter.ts';
import type { Dims } from './dims.ts';
import { appendResultRow, CLOCK } from './result-rows.ts';
import { FOLD_SQL } from './rollup-sql.ts';
import type { SeqIndex } from './seq-index.ts';
import { statsIncrement } from './stats-rows.ts';
import type { OpOutcome, WriteOp } from './write-ops.ts';

export interface DeadLetterCaps {
  maxRows: number;
  maxBytes: number;
}

/** In-memory state the writer keeps beside the database; changed only after a commit succeeded. */
export interface WriterState {
  batch: bigint;
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
      const statsAppender = await conn.createAppender('agent_stats');
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
        if (op.kind === 'prune') {
          const removed = await conn.run('DELETE FROM results WHERE ts < $1', [op.before]);
          await conn.run('DELETE FROM agent_stats WHERE ts < $1', [op.before]);
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
          await conn.run(
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
          await conn.run(
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
          await conn.run(
            `INSERT INTO dead_letter_counts VALUES ($1, $2, 1)
             ON CONFLICT (sender, code) DO UPDATE SET count = count + 1`,
            [sender, l.code],
          );
          dlCounts.push([l.code, sender, bytes]);
        }
      }
      rows.closeSync();
      statsAppender.closeSync();
      await dimsBatch.write(conn);
      for (const u of agentUpdates.values()) {
        const set = u.column ? `${u.column} = $3, ` : '';
        await conn.run(
          `UPDATE agents SET ${set}last_seen_ts = greatest(last_seen_ts, $2) WHERE agent_id = $1`,
          [u.agentId, u.ts, ...(u.column ? [JSON.stringify(u.value)] : [])],
        );
      }
      const touched = seqBatch.merged();
      if (touched.size > 0) {
        await conn.run(`DELETE FROM seq_ranges WHERE agent_id IN (${[...touched.keys()].join(',')})`);
        const ranges = await conn.createAppender('seq_ranges');
        for (const [agentId, list] of touched) {
          for (const [lo, hi] of list) {
            ranges.appendInteger(agentId);
            ranges.appendBigInt(BigInt(lo));
            ranges.appendBigInt(BigInt(hi));
            ranges.endRow();
          }
        }
        ranges.closeSync();
      }
      if (inserted > 0 || statsRows > 0) await fold(conn, batch);
      await conn.run(
        `UPDATE counters SET value = CASE name WHEN 'batch' THEN $1 ELSE value + $2 END
         WHERE name IN ('batch', 'duplicates')`,
        [batch, duplicates],
      );
      const evicted = await evictDeadLetters(conn, state, dlCounts, caps);
      await conn.run('COMMIT');

      // Committed: only now does memory follow.
      dims.apply(dimsBatch);
      seqs.apply(seqBatch);
      for (const [id, s] of lastStats) state.lastStats.set(id, s);
      state.batch = batch;
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

async function fold(conn: DuckDBConnection, batch: bigint): Promise<void> {
  await conn.run(FOLD_SQL.clear);
  await conn.run(FOLD_SQL.aggregate, [batch]);
  const range = (await conn.runAndReadAll(FOLD_SQL.range)).getRowObjectsJS()[0];
  if (range?.lo === null || range?.lo === undefined) return;
  const bounds = [Number(range.lo), Number(range.hi)];
  await conn.run(FOLD_SQL.updateAgents, bounds);
  await conn.run(FOLD_SQL.insertAgents, bounds);
  await conn.run(FOLD_SQL.lineIncrements, bounds);
  await conn.run(FOLD_SQL.updateLines, bounds);
  await conn.run(FOLD_SQL.insertLines, bounds);
  await conn.run(FOLD_SQL.classes, [batch]);
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
