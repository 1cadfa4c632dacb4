import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Stats } from '@sightline/protocol';
import { type Logger, pino } from 'pino';
import { HubError } from '../errors.ts';
import { createCommitter, type DeadLetterCaps, type WriterState } from './commit.ts';
import { createConflictCheck, createRecentBatches } from './conflicts.ts';
import { createDims } from './dims.ts';
import { createGroupCommit } from './group-commit.ts';
import { createReaders } from './readers.ts';
import { createReads } from './reads.ts';
import {
  EFFECTIVE_RUN_MS,
  FOLD_TEMP_TABLES,
  LINE_SUMS,
  rawAggregateSql,
  recipeAggregateSql,
} from './rollup-sql.ts';
import { migrate } from './schema.ts';
import { createSeqIndex, overlapping } from './seq-index.ts';
import type { CommitNotice, InsertOutcome, ResultStore } from './types.ts';
import type { WriteOp } from './write-ops.ts';

/** The raw tail is folded into the rollups at least this often, and sooner once it holds FOLD_ROWS rows. */
export const FOLD_EVERY_MS = 1000;
export const FOLD_ROWS = 50_000;

export interface DuckDbStoreOptions {
  /** Database file (created with its directory if missing), or ':memory:'. */
  path: string;
  /** Read connections (reads never wait for ingest's transactions, only for each other). */
  readers?: number;
  /** Time limit of one read query (ms). */
  queryTimeoutMs?: number;
  /** Dead letters kept at most, by rows and by bytes; the oldest go first. */
  deadLetters?: Partial<DeadLetterCaps>;
  /** Results per transaction at most. */
  maxBatchResults?: number;
  /** DuckDB memory limit, e.g. '1GB'; DuckDB's default (80 % of RAM) when absent. */
  memoryLimit?: string;
  /** Where the store reports what it does on its own (duplicates with different content). */
  log?: Logger;
  now?: () => number;
}

async function open(path: string, memoryLimit?: string) {
  try {
    if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path, memoryLimit ? { memory_limit: memoryLimit } : {});
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

/** Loads what the writer keeps in memory: seq intervals, dictionaries, counters, last stats per agent. */
async function loadState(conn: DuckDBConnection) {
  const dims = createDims();
  await dims.load(conn);
  const seqs = createSeqIndex();
  const ranges = (
    await conn.runAndReadAll('SELECT agent_id, lo, hi FROM seq_ranges ORDER BY agent_id, lo')
  ).getRowObjectsJS();
  const byAgent = new Map<number, Array<[number, number]>>();
  for (const r of ranges) {
    const id = Number(r.agent_id);
    const list = byAgent.get(id) ?? [];
    byAgent.set(id, list);
    list.push([Number(r.lo), Number(r.hi)]);
  }
  for (const [id, list] of byAgent) seqs.load(id, list);
  const one = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS()[0] ?? {};
  const counters = new Map(
    (await conn.runAndReadAll('SELECT name, value FROM counters'))
      .getRowObjectsJS()
      .map((r) => [String(r.name), Number(r.value)]),
  );
  const dl = await one('SELECT count(*) AS n, coalesce(sum(stored_bytes), 0) AS b FROM dead_letters');
  const folded = BigInt(counters.get('folded') ?? 0);
  const maxBatch = await one(
    'SELECT greatest((SELECT max(batch) FROM results), (SELECT max(batch) FROM agent_stats), 0) AS b',
  );
  // The raw tail (rows after the last fold) holds seqs seq_ranges does not have yet.
  const tail = (
    await conn.runAndReadAll('SELECT agent_id, seq FROM results WHERE batch > $1 ORDER BY agent_id, seq', [
      folded,
    ])
  ).getRowObjectsJS();
  const tailBatch = seqs.batch();
  for (const r of tail) tailBatch.stage(Number(r.agent_id), Number(r.seq));
  seqs.apply(tailBatch);
  const batchNow = BigInt(Math.max(Number(counters.get('batch') ?? 0), Number(maxBatch.b ?? 0)));
  const state: WriterState = {
    batch: batchNow,
    folded,
    unfoldedRows: tail.length,
    unfoldedAgents: new Set(tail.map((r) => Number(r.agent_id))),
    results: Number((await one('SELECT count(*) AS n FROM results')).n ?? 0),
    duplicates: counters.get('duplicates') ?? 0,
    deadLetters: {
      rows: Number(dl.n ?? 0),
      bytes: Number(dl.b ?? 0),
      evicted: counters.get('dead_letters_evicted') ?? 0,
    },
    deadLetterCounts: new Map(),
    deadLetterSenders: new Set(),
    lastStats: new Map(),
    latestStats: new Map(),
    heard: new Map(),
  };
  for (const r of (
    await conn.runAndReadAll(
      'SELECT agent_id, max(received_ts) AS ts FROM results WHERE batch > $1 GROUP BY agent_id',
      [folded],
    )
  ).getRowObjectsJS())
    state.heard.set(Number(r.agent_id), Number(r.ts));
  for (const r of (
    await conn.runAndReadAll('SELECT sender, code, count FROM dead_letter_counts')
  ).getRowObjectsJS()) {
    const bySender = state.deadLetterCounts.get(String(r.code)) ?? new Map<string, number>();
    state.deadLetterCounts.set(String(r.code), bySender);
    bySender.set(String(r.sender), Number(r.count));
    state.deadLetterSenders.add(String(r.sender));
  }
  for (const r of (
    await conn.runAndReadAll('SELECT agent_id, stats FROM agents WHERE stats IS NOT NULL')
  ).getRowObjectsJS()) {
    state.lastStats.set(Number(r.agent_id), JSON.parse(String(r.stats)) as Stats);
  }
  return { dims, seqs, state, rollupsStale: (counters.get('rollups_stale') ?? 0) > 0 };
}

/** Rebuilds every rollup from the raw rows (after a migration brought raw rows without rollups). */
async function rebuildRollups(conn: DuckDBConnection): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  await conn.run(
    'DELETE FROM rollup_agent_minute; DELETE FROM rollup_line_minute; DELETE FROM rollup_line_class_minute; DELETE FROM rollup_line_recipe_minute',
  );
  // In minute order, as ingest's folds append them: queries prune row groups by minute (zone maps).
  await conn.run(
    `INSERT INTO rollup_agent_minute BY NAME ${rawAggregateSql('true', 'true')} ORDER BY minute`,
  );
  await conn.run(`INSERT INTO rollup_line_minute BY NAME
    SELECT line_id, minute, ${LINE_SUMS()}, max(${EFFECTIVE_RUN_MS})::DOUBLE AS run_ms,
      min(first_ts) AS first_ts, max(last_ts) AS last_ts, max(latency_max) AS latency_max
    FROM rollup_agent_minute GROUP BY line_id, minute ORDER BY minute`);
  await conn.run(`INSERT INTO rollup_line_class_minute
    SELECT line_id, (ts // 60000)::INTEGER, top_class, count(*)::UINTEGER FROM results
    WHERE verdict = 1 AND NOT shadow AND top_class IS NOT NULL GROUP BY ALL`);
  await conn.run(
    `INSERT INTO rollup_line_recipe_minute BY NAME ${recipeAggregateSql('true')} ORDER BY minute`,
  );
  await conn.run("UPDATE counters SET value = 0 WHERE name = 'rollups_stale'");
  await conn.run(`UPDATE counters SET value = greatest(
      (SELECT max(batch) FROM results), (SELECT max(batch) FROM agent_stats), (SELECT value FROM counters WHERE name = 'batch'), 0)
    WHERE name IN ('batch', 'folded')`);
  await conn.run('COMMIT');
}

/** The DuckDB store, with connections of their own for parts beside ingest (the ledger, the samples table, exports). */
export interface DuckDbStore extends ResultStore {
  /** A new connection to the same database; the caller closes it before the store closes. */
  connect(): Promise<DuckDBConnection>;
}

/**
 * The hub's ResultStore on one DuckDB file: one writer connection running group commits (appender into a raw
 * table without a primary key; seqs de-duplicated in memory; rollups folded in the same transaction), and a
 * small pool of read connections with per-query time limits.
 */
export async function createDuckDbStore(options: DuckDbStoreOptions): Promise<DuckDbStore> {
  const { path, now = Date.now } = options;
  const { instance, conn } = await open(path, options.memoryLimit);
  let loaded: Awaited<ReturnType<typeof loadState>>;
  let readers: Awaited<ReturnType<typeof createReaders>>;
  try {
    await migrate(conn, path, now());
    loaded = await loadState(conn);
    if (loaded.rollupsStale) {
      await rebuildRollups(conn);
      loaded = await loadState(conn);
    }
    await conn.run(FOLD_TEMP_TABLES);
    await conn.run('CREATE TEMP TABLE latest_stats (agent_id INTEGER, stats VARCHAR, received_ts BIGINT)');
    readers = await createReaders(instance, {
      size: options.readers ?? 2,
      timeoutMs: options.queryTimeoutMs ?? 10_000,
    });
  } catch (cause) {
    conn.closeSync();
    instance.closeSync();
    throw cause;
  }
  const { dims, seqs, state } = loaded;
  const caps: DeadLetterCaps = {
    maxRows: options.deadLetters?.maxRows ?? 10_000,
    maxBytes: options.deadLetters?.maxBytes ?? 64 * 1024 * 1024,
  };
  const listeners = new Set<(notice: CommitNotice) => void>();
  const conflicts = createConflictCheck({
    readers,
    record: (letter) => submit({ kind: 'dead-letter', letter }).then(() => undefined),
    log: options.log ?? pino({ level: 'silent' }),
    now,
  });
  const commit = createCommitter(conn, {
    dims,
    seqs,
    state,
    caps,
    recent: createRecentBatches(),
    onDuplicates: (dups) => conflicts.enqueue(dups),
  });
  const writer = createGroupCommit({
    commit,
    maxBatchResults: options.maxBatchResults,
    now,
    onCommit({ ops }) {
      if (state.unfoldedRows >= FOLD_ROWS) maybeFold();
      if (listeners.size === 0) return;
      const notice = noticeOf(ops, now());
      for (const listener of listeners) listener(notice);
    },
  });
  let closed: Promise<void> | undefined;

  // Fold the raw tail into the rollups once a second, or sooner when it grows; never for an ack to wait on.
  let folding: Promise<unknown> | undefined;
  let lastFold = now();
  const maybeFold = (force = false) => {
    if (folding || state.batch === state.folded) return folding;
    if (!force && state.unfoldedRows < FOLD_ROWS && now() - lastFold < FOLD_EVERY_MS) return undefined;
    lastFold = now();
    folding = writer.submit({ kind: 'fold' }).finally(() => {
      folding = undefined;
    });
    folding.catch(() => undefined);
    return folding;
  };
  const foldTimer = setInterval(() => maybeFold(), FOLD_EVERY_MS / 4);
  foldTimer.unref();

  function submit(op: WriteOp) {
    if (closed) return Promise.reject(new HubError('SL_STORE_CLOSED', `store ${path} is closed`));
    return writer.submit(op);
  }
  const record = (op: WriteOp) => submit(op).then(() => undefined);
  const agentOp =
    (column: 'birth' | 'state' | 'stats' | 'model_status') =>
    (ref: Parameters<ResultStore['recordBirth']>[0], value: unknown, receivedTs = now()) =>
      record({ kind: 'agent', ref, column, value, receivedTs });

  const reads = createReads({ readers, dims, state, closedCheck: () => closed !== undefined, path });

  return {
    connect() {
      if (closed) return Promise.reject(new HubError('SL_STORE_CLOSED', `store ${path} is closed`));
      return instance.connect();
    },
    async insertResults(ref, session, results, receivedTs, times) {
      if (results.length === 0) return { inserted: 0, duplicates: 0 };
      return (await submit({ kind: 'results', ref, session, results, receivedTs, times })) as InsertOutcome;
    },
    storedSeqs(ref, lo, hi) {
      const ids = dims.lookup(ref);
      return ids ? overlapping(seqs.intervals(ids.agentId), lo, hi) : [];
    },
    recordDeadLetter: (letter) => record({ kind: 'dead-letter', letter }),
    recordBirth: agentOp('birth'),
    recordState: agentOp('state'),
    recordStats: agentOp('stats'),
    recordModelStatus: agentOp('model_status'),
    recordEvent: (ref, event, receivedTs = now()) => record({ kind: 'event', ref, event, receivedTs }),
    async prune(before) {
      return Number(await submit({ kind: 'prune', before }));
    },
    ...reads,
    status() {
      const byReason: Record<string, Record<string, number>> = {};
      for (const [code, bySender] of state.deadLetterCounts) byReason[code] = Object.fromEntries(bySender);
      return {
        ...writer.status(),
        seqIntervals: seqs.size(),
        conflicts: conflicts.counts,
        readers: { busy: readers.busy, waiting: readers.waiting },
        deadLetters: { ...state.deadLetters, byReason },
      };
    },
    onCommit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed ??= (async () => {
        clearInterval(foldTimer);
        await conflicts.idle();
        await writer.drain();
        await maybeFold(true)?.catch(() => undefined);
        await writer.drain();
        readers.close();
        conn.closeSync();
        instance.closeSync();
      })();
      return closed;
    },
  };

  function noticeOf(ops: readonly WriteOp[], ts: number): CommitNotice {
    const lines = new Map<string, { site: string; line: string }>();
    const agents: CommitNotice['agents'] = [];
    const events: CommitNotice['events'] = [];
    for (const op of ops) {
      if (op.kind === 'results' || (op.kind === 'agent' && op.column === 'stats')) {
        lines.set(`${op.ref.site}/${op.ref.line}`, { site: op.ref.site, line: op.ref.line });
      }
      if (op.kind === 'agent' && (op.column === 'state' || op.column === 'birth')) {
        agents.push({ ...op.ref, column: op.column, value: op.value });
      }
      if (op.kind === 'event') events.push({ ...op.ref, event: op.event });
    }
    return { lines: [...lines.values()], agents, events, ts };
  }
}
