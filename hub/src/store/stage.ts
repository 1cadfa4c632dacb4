import type { Stats } from '@sightline/protocol';
import type { Appenders } from './appenders.ts';
import type { WriterState } from './commit.ts';
import type { Duplicate, RecentBatches } from './conflicts.ts';
import { truncateError, truncatePayload } from './dead-letter.ts';
import type { Dims } from './dims.ts';
import { appendResultRow, CLOCK } from './result-rows.ts';
import type { SeqIndex } from './seq-index.ts';
import type { Statements } from './statements.ts';
import { statsIncrement } from './stats-rows.ts';
import type { OpOutcome, WriteOp } from './write-ops.ts';

/** Distinct senders kept in dead-letter counts; past this, new ones count as "(other)" (topics are untrusted). */
export const MAX_DEAD_LETTER_SENDERS = 10_000;

type SqlWork = (sql: Statements) => Promise<void>;

/**
 * Stages a group of ops without touching the database: rows into the appenders, seqs into a seq batch, new ids
 * into a dictionary batch, and the SQL the rest needs. `apply` moves memory forward once the commit succeeded.
 */
export function stageOps(
  ops: readonly WriteOp[],
  ctx: {
    batch: bigint;
    dims: Dims;
    seqs: SeqIndex;
    state: WriterState;
    appenders: Appenders;
    /** Where recent rows were written, for comparing redeliveries later (conflicts.ts). */
    recent?: RecentBatches;
  },
) {
  const { batch, dims, seqs, state, appenders, recent } = ctx;
  const duplicateRows: Duplicate[] = [];
  const dimsBatch = dims.batch();
  const seqBatch = seqs.batch();
  const outcomes: OpOutcome[] = [];
  const work: SqlWork[] = [];
  const lastStats = new Map<number, Stats>();
  const latest = new Map<number, { stats: Stats; receivedTs: number }>();
  const heard = new Map<number, number>();
  const deadLetters: Array<[code: string, sender: string, bytes: number]> = [];
  let inserted = 0;
  let duplicates = 0;
  let statsRows = 0;
  let pruned = 0;
  let folding = false;

  const senderKey = (sender: string | null) => {
    const key = sender ?? '(none)';
    const known = state.deadLetterSenders;
    return known.has(key) || known.size < MAX_DEAD_LETTER_SENDERS ? key : '(other)';
  };

  for (const op of ops) {
    switch (op.kind) {
      case 'results': {
        const ids = dimsBatch.agent(op.ref);
        heard.set(ids.agentId, Math.max(heard.get(ids.agentId) ?? 0, op.receivedTs));
        let ins = 0;
        for (const [i, r] of op.results.entries()) {
          if (!seqBatch.stage(ids.agentId, r.seq)) {
            // Stored before (its batch, if still remembered), or earlier in this very commit.
            const first = seqs.has(ids.agentId, r.seq) ? recent?.get(ids.agentId, r.seq) : Number(batch);
            duplicateRows.push({
              ref: op.ref,
              agentId: ids.agentId,
              result: r,
              ...(first === undefined ? {} : { batch: first }),
            });
            continue;
          }
          recent?.put(ids.agentId, r.seq, Number(batch));
          const time = op.times?.[i];
          const row = {
            batch,
            ...ids,
            session: op.session,
            receivedTs: op.receivedTs,
            modelKey: dimsBatch.model(r.model.id, r.model.version),
          };
          appendResultRow(appenders.results, row, r, time?.ts ?? r.ts, time?.clock ?? CLOCK.ok);
          ins++;
        }
        inserted += ins;
        duplicates += op.results.length - ins;
        outcomes.push({ inserted: ins, duplicates: op.results.length - ins });
        break;
      }
      case 'agent': {
        outcomes.push(undefined);
        const ids = dimsBatch.agent(op.ref);
        if (op.column === 'stats') {
          const stats = op.value as Stats;
          const inc = statsIncrement(stats, lastStats.get(ids.agentId) ?? state.lastStats.get(ids.agentId));
          lastStats.set(ids.agentId, stats);
          latest.set(ids.agentId, { stats, receivedTs: op.receivedTs });
          const a = appenders.stats;
          a.appendBigInt(batch);
          a.appendInteger(ids.agentId);
          a.appendInteger(ids.lineId);
          a.appendBigInt(BigInt(stats.ts));
          a.appendDouble(inc.frames_captured);
          a.appendDouble(inc.frames_inspected);
          a.appendDouble(inc.frames_dropped);
          a.appendDouble(inc.run_ms);
          a.endRow();
          statsRows++;
          break;
        }
        const { column, value, receivedTs } = op;
        work.push((sql) =>
          sql
            .run(
              `UPDATE agents SET ${column} = $3, last_seen_ts = greatest(last_seen_ts, $2) WHERE agent_id = $1`,
              [ids.agentId, receivedTs, JSON.stringify(value)],
            )
            .then(() => undefined),
        );
        break;
      }
      case 'event': {
        outcomes.push(undefined);
        dimsBatch.agent(op.ref);
        const { ref, event, receivedTs } = op;
        work.push((sql) =>
          sql
            .run(
              `INSERT INTO events (site, line, agent, ts, received_ts, kind, severity, message, detail)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
              [
                ref.site,
                ref.line,
                ref.agent,
                event.ts,
                receivedTs,
                event.kind,
                event.severity,
                event.message,
                event.detail === undefined ? null : JSON.stringify(event.detail),
              ],
            )
            .then(() => undefined),
        );
        break;
      }
      case 'dead-letter': {
        outcomes.push(undefined);
        const l = op.letter;
        const kept = truncatePayload(l.payload);
        const error = truncateError(l.error);
        const bytes = kept.text.length + error.length + l.topic.length;
        const sender = senderKey(l.sender);
        deadLetters.push([l.code, sender, bytes]);
        work.push(async (sql) => {
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
          await sql.run(
            `INSERT INTO dead_letter_counts VALUES ($1, $2, 1)
             ON CONFLICT (sender, code) DO UPDATE SET count = count + 1`,
            [sender, l.code],
          );
        });
        break;
      }
      case 'prune': {
        const index = outcomes.push(0) - 1;
        const { before } = op;
        // Only folded rows go: the tail is what the rollups do not hold yet.
        work.push(async (sql) => {
          const removed = await sql.run('DELETE FROM results WHERE ts < $1 AND batch <= $2', [
            before,
            state.folded,
          ]);
          await sql.run('DELETE FROM agent_stats WHERE ts < $1 AND batch <= $2', [before, state.folded]);
          pruned += removed.rowsChanged;
          outcomes[index] = removed.rowsChanged;
        });
        break;
      }
      case 'fold':
        outcomes.push(undefined);
        folding = true;
        break;
    }
  }

  const plan = {
    outcomes,
    seqBatch,
    duplicates,
    /** Redelivered results, to compare with the stored ones once the commit is done. */
    duplicateRows,
    folding,
    deadLetters,
    evicted: undefined as WriterState['deadLetters'] | undefined,
    /** Results and stats alone need no SQL beyond BEGIN and COMMIT. */
    needsSql: work.length > 0 || folding || !dimsBatch.isEmpty(),
    async writeSql(sql: Statements) {
      await dimsBatch.write(sql);
      for (const w of work) await w(sql);
    },
    /** Called once the commit succeeded: memory follows the database. */
    apply() {
      dims.apply(dimsBatch);
      seqs.apply(seqBatch);
      for (const [id, s] of lastStats) state.lastStats.set(id, s);
      if (folding) {
        state.folded = batch;
        state.unfoldedRows = 0;
        state.unfoldedAgents.clear();
        state.latestStats.clear();
        state.heard.clear();
      } else {
        state.unfoldedRows += inserted + statsRows;
        for (const agentId of seqBatch.merged().keys()) state.unfoldedAgents.add(agentId);
      }
      for (const [id, l] of latest) state.latestStats.set(id, l);
      for (const [id, ts] of heard) state.heard.set(id, Math.max(state.heard.get(id) ?? 0, ts));
      state.batch = batch;
      state.results += inserted - pruned;
      state.duplicates += duplicates;
      for (const [code, sender] of deadLetters) {
        const bySender = state.deadLetterCounts.get(code) ?? new Map<string, number>();
        state.deadLetterCounts.set(code, bySender);
        bySender.set(sender, (bySender.get(sender) ?? 0) + 1);
        state.deadLetterSenders.add(sender);
      }
      if (plan.evicted) Object.assign(state.deadLetters, plan.evicted);
      else {
        state.deadLetters.rows += deadLetters.length;
        state.deadLetters.bytes += deadLetters.reduce((s, [, , b]) => s + b, 0);
      }
    },
  };
  return plan;
}
