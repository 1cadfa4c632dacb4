import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { AgentEvent, AgentRef, InspectionResult } from '@sightline/protocol';
import { HubError } from '../errors.ts';
import { deriveLineMetrics } from '../metrics/index.ts';
import { truncateError, truncatePayload } from './dead-letter.ts';
import {
  AGENTS_SQL,
  type AgentColumn,
  COUNTERS_SQL,
  DEAD_LETTERS_SQL,
  EVENTS_SQL,
  LINE_COUNTS_SQL,
  RESULTS_SQL,
  upsertAgentSql,
} from './queries.ts';
import { appendResultRow, jsonOrNull, num, numOrNull } from './result-rows.ts';
import { migrate } from './schema.ts';
import { createSerialQueue } from './serial.ts';
import type { AgentSnapshot, DeadLetter, ResultStore, StoredEvent, StoredResult } from './types.ts';

export interface DuckDbStoreOptions {
  /** Database file (created with its directory if missing), or ':memory:'. */
  path: string;
}

async function open(path: string): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  try {
    if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path);
    return { instance, conn: await instance.connect() };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new HubError(
      'SL_STORE_OPEN_FAILED',
      `cannot open DuckDB file ${path}: ${reason}; is another hub using it? Set SL_HUB_DB to another path`,
      { cause },
    );
  }
}

export interface DuckDbStore extends ResultStore {
  /** A new connection to the same database, for parts with queries of their own (samples, export). */
  connect(): Promise<DuckDBConnection>;
}

/** The hub's ResultStore on one DuckDB file; all work runs serially on one connection. */
export async function createDuckDbStore({ path }: DuckDbStoreOptions): Promise<DuckDbStore> {
  const { instance, conn } = await open(path);
  try {
    await migrate(conn, path, Date.now());
    // Batches are appended here first, then merged with INSERT OR IGNORE: the appender is the fast path
    // in, and the merge is what makes a redelivered result a no-op.
    await conn.run('CREATE TEMP TABLE results_staging AS SELECT * FROM results LIMIT 0');
  } catch (cause) {
    conn.closeSync();
    instance.closeSync();
    throw cause;
  }
  const serial = createSerialQueue();
  let closed: Promise<void> | undefined;

  function run<T>(task: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new Error(`store ${path} is closed`));
    return serial(task);
  }

  async function transaction<T>(body: () => Promise<T>): Promise<T> {
    await conn.run('BEGIN TRANSACTION');
    try {
      const value = await body();
      await conn.run('COMMIT');
      return value;
    } catch (cause) {
      await conn.run('ROLLBACK');
      throw cause;
    }
  }

  function upsertAgent(
    ref: AgentRef,
    column: AgentColumn,
    value: unknown,
    receivedTs: number,
  ): Promise<void> {
    return run(async () => {
      await conn.run(upsertAgentSql(column), [
        ref.site,
        ref.line,
        ref.agent,
        JSON.stringify(value),
        receivedTs,
      ]);
    });
  }

  return {
    connect: () => instance.connect(),

    insertResults(ref: AgentRef, session: string, results: readonly InspectionResult[], receivedTs: number) {
      if (results.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
      return run(() =>
        transaction(async () => {
          const appender = await conn.createAppender('results_staging', 'main', 'temp');
          for (const r of results) appendResultRow(appender, ref, session, r, receivedTs);
          appender.closeSync();
          // INSERT OR IGNORE skips rows whose key exists, and repeats of a key inside the batch.
          const merged = await conn.run('INSERT OR IGNORE INTO results SELECT * FROM results_staging');
          await conn.run('DELETE FROM results_staging');
          const inserted = merged.rowsChanged;
          const duplicates = results.length - inserted;
          if (duplicates > 0) {
            await conn.run("UPDATE counters SET value = value + $1 WHERE name = 'duplicates'", [duplicates]);
          }
          return { inserted, duplicates };
        }),
      );
    },

    recordDeadLetter(letter) {
      const kept = truncatePayload(letter.payload);
      return run(async () => {
        await conn.run(
          `INSERT INTO dead_letters (ts, topic, sender, code, error, payload, payload_encoding, payload_size, truncated)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            letter.ts,
            letter.topic,
            letter.sender,
            letter.code,
            truncateError(letter.error),
            kept.text,
            kept.encoding,
            kept.size,
            kept.truncated,
          ],
        );
      });
    },

    recordBirth: (ref, birth, receivedTs = Date.now()) => upsertAgent(ref, 'birth', birth, receivedTs),
    recordState: (ref, state, receivedTs = Date.now()) => upsertAgent(ref, 'state', state, receivedTs),
    recordStats: (ref, stats, receivedTs = Date.now()) => upsertAgent(ref, 'stats', stats, receivedTs),
    recordModelStatus: (ref, status, receivedTs = Date.now()) =>
      upsertAgent(ref, 'model_status', status, receivedTs),

    recordEvent(ref: AgentRef, event: AgentEvent, receivedTs = Date.now()) {
      return run(async () => {
        await conn.run(
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
        );
      });
    },

    counters() {
      return run(async () => {
        const row = (await conn.runAndReadAll(COUNTERS_SQL)).getRowObjectsJS()[0] ?? {};
        return {
          results: num(row.results),
          duplicates: num(row.duplicates),
          deadLetters: num(row.dead_letters),
        };
      });
    },

    lineMetrics({ windowMs, now }) {
      return run(async () => {
        const rows = (await conn.runAndReadAll(LINE_COUNTS_SQL, [now - windowMs, now])).getRowObjectsJS();
        return rows.map((row) =>
          deriveLineMetrics({
            site: String(row.site),
            line: String(row.line),
            agents: num(row.agents),
            inspected: num(row.inspected),
            defects: num(row.defects),
            truth_n: num(row.truth_n),
            truth_defects: num(row.truth_defects),
            first_ts: numOrNull(row.first_ts),
            last_ts: numOrNull(row.last_ts),
          }),
        );
      });
    },

    agents() {
      return run(async () => {
        const rows = (await conn.runAndReadAll(AGENTS_SQL)).getRowObjectsJS();
        return rows.map(
          (row): AgentSnapshot => ({
            site: String(row.site),
            line: String(row.line),
            agent: String(row.agent),
            birth: jsonOrNull(row.birth),
            state: jsonOrNull(row.state),
            stats: jsonOrNull(row.stats),
            model_status: jsonOrNull(row.model_status),
            last_seen_ts: num(row.last_seen_ts),
          }),
        );
      });
    },

    deadLetters({ limit }) {
      return run(async () => {
        const rows = (await conn.runAndReadAll(DEAD_LETTERS_SQL, [limit])).getRowObjectsJS();
        return rows.map(
          (row): DeadLetter => ({
            id: num(row.id),
            ts: num(row.ts),
            topic: String(row.topic),
            sender: row.sender === null ? null : String(row.sender),
            code: String(row.code),
            error: String(row.error),
            payload: String(row.payload),
            payload_encoding: row.payload_encoding === 'base64' ? 'base64' : 'utf8',
            payload_size: num(row.payload_size),
            truncated: row.truncated === true,
          }),
        );
      });
    },

    events({ limit }) {
      return run(async () => {
        const rows = (await conn.runAndReadAll(EVENTS_SQL, [limit])).getRowObjectsJS();
        return rows.map(
          (row) =>
            ({
              site: String(row.site),
              line: String(row.line),
              agent: String(row.agent),
              ts: num(row.ts),
              received_ts: num(row.received_ts),
              kind: row.kind,
              severity: row.severity,
              message: String(row.message),
              ...(row.detail === null ? {} : { detail: jsonOrNull(row.detail) }),
            }) as StoredEvent,
        );
      });
    },

    results({ site, line, agent, verdict, limit }) {
      return run(async () => {
        const params = [site ?? null, line ?? null, agent ?? null, verdict ?? null, limit];
        const rows = (await conn.runAndReadAll(RESULTS_SQL, params)).getRowObjectsJS();
        return rows.map(
          (row): StoredResult => ({
            site: String(row.site),
            line: String(row.line),
            agent: String(row.agent),
            seq: num(row.seq),
            ts: num(row.ts),
            received_ts: num(row.received_ts),
            frame: String(row.frame),
            camera: row.camera === null ? null : String(row.camera),
            model: { id: String(row.model_id), version: String(row.model_version) },
            verdict: String(row.verdict),
            score: Number(row.score),
            threshold: Number(row.threshold),
            latency_total: Number(row.latency_total),
            shadow: Boolean(row.shadow),
            replayed: Boolean(row.replayed),
            truth: row.truth === null ? null : String(row.truth),
            image: row.image === null ? null : String(row.image),
          }),
        );
      });
    },

    close() {
      closed ??= serial(async () => {
        conn.closeSync();
        instance.closeSync();
      });
      return closed;
    },
  };
}
