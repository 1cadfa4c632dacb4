import type { DuckDBConnection } from '@duckdb/node-api';
import type { AgentRef, SampleMeta } from '@sightline/protocol';
import { type SampleContentType, sampleRelPath } from './layout.ts';
import { SAMPLE_COLUMNS, type SampleRecord, toRecord } from './sample-record.ts';
import { createSerialQueue } from './serial.ts';

export interface SampleListQuery {
  site?: string;
  line?: string;
  agent?: string;
  verdict?: 'ok' | 'defect' | 'uncertain';
  /** Keyset cursor: samples strictly older than (ts, id); id 0 means "before ts". */
  before?: { ts: number; id: number };
  limit: number;
}

export interface SamplePage {
  samples: SampleRecord[];
  /** Cursor for the next page (`before=`), or null on the last page. */
  next: string | null;
}

/** A stored image: one per sha256 however many rows point at it. */
export interface SampleFile {
  sha256: string;
  content_type: SampleContentType;
  bytes: number;
}

/** The `samples` table. Every implementation keeps at most one row per (sender, sha256, seq). */
export interface SampleIndex {
  /** Adds a row unless this sender already sent this image for this seq; true when added. */
  insert(ref: AgentRef, meta: SampleMeta, type: SampleContentType, receivedTs: number): Promise<boolean>;
  /** Whether this sender's sample is stored: for one seq, or (seq undefined) for any. */
  has(ref: AgentRef, sha256: string, seq?: number | null): Promise<boolean>;
  file(sha256: string): Promise<SampleFile | null>;
  list(query: SampleListQuery): Promise<SamplePage>;
  /** Distinct images and their total size. */
  usage(): Promise<{ files: number; bytes: number }>;
  /** Every image, for reconciling with the disk at start-up. */
  files(): Promise<SampleFile[]>;
  /** Images to evict first: unlabelled before labelled, then least recently received. */
  evictionOrder(limit: number): Promise<SampleFile[]>;
  /** Deletes every row of an image; returns how many. */
  remove(sha256: string): Promise<number>;
  /** Sets (or clears, with null) a person's label on every row of an image; returns rows changed. */
  setLabel(sha256: string, label: string | null): Promise<number>;
  close(): Promise<void>;
}

const FILE_COLUMNS = 'sha256, any_value(content_type) AS content_type, any_value(bytes)::DOUBLE AS bytes';

function toFile(row: Record<string, unknown>): SampleFile {
  return {
    sha256: String(row.sha256),
    content_type: row.content_type as SampleContentType,
    bytes: Number(row.bytes),
  };
}

/**
 * The samples table on the hub's DuckDB database, with a connection of its own for writes and one for
 * reads, so neither waits on result ingest (nor a long listing on a sample write).
 */
export async function createDuckDbSampleIndex({
  connect,
}: {
  /** Opens a new connection to the hub's database (the `samples` table exists: store migrations ran). */
  connect: () => Promise<DuckDBConnection>;
}): Promise<SampleIndex> {
  const writer = await connect();
  const reader = await connect();
  const write = createSerialQueue();
  const read = createSerialQueue();

  async function rows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return read(async () => (await reader.runAndReadAll(sql, params as never)).getRowObjectsJS());
  }

  let closing: Promise<void> | undefined;
  return {
    insert(ref, meta, type, receivedTs) {
      const values = [
        meta.sha256,
        ref.site,
        ref.line,
        ref.agent,
        meta.seq ?? null,
        meta.ts,
        meta.frame ?? null,
        meta.camera ?? null,
        meta.verdict ?? null,
        meta.score ?? null,
        meta.threshold ?? null,
        meta.model?.id ?? null,
        meta.model?.version ?? null,
        meta.region ? JSON.stringify(meta.region) : null,
        meta.boxes ? JSON.stringify(meta.boxes) : null,
        meta.reason ?? null,
        meta.width ?? null,
        meta.height ?? null,
        meta.bytes,
        type,
        receivedTs,
        sampleRelPath(meta.sha256, type),
      ];
      // One statement checks and inserts; the writer's queue makes the pair atomic.
      const sql = `
        INSERT INTO samples (sha256, site, line, agent, seq, ts, frame, camera, verdict, score, threshold,
          model_id, model_version, region, boxes, reason, width, height, bytes, content_type, received_ts, path)
        SELECT $1, $2, $3, $4, $5::BIGINT, $6::BIGINT, $7::VARCHAR, $8::VARCHAR, $9::VARCHAR, $10::DOUBLE,
          $11::DOUBLE, $12::VARCHAR, $13::VARCHAR, $14::JSON, $15::JSON, $16::VARCHAR, $17::INTEGER,
          $18::INTEGER, $19::BIGINT, $20, $21::BIGINT, $22
        WHERE NOT EXISTS (SELECT 1 FROM samples WHERE sha256 = $1 AND site = $2 AND line = $3
          AND agent = $4 AND seq IS NOT DISTINCT FROM $5::BIGINT)`;
      return write(async () => (await writer.run(sql, values as never)).rowsChanged === 1);
    },

    async has(ref, sha256, seq) {
      const anySeq = seq === undefined;
      const found = await rows(
        `SELECT 1 FROM samples WHERE sha256 = $1 AND site = $2 AND line = $3 AND agent = $4
           AND ($5 OR seq IS NOT DISTINCT FROM $6::BIGINT) LIMIT 1`,
        [sha256, ref.site, ref.line, ref.agent, anySeq, anySeq ? null : seq],
      );
      return found.length > 0;
    },

    async file(sha256) {
      const [row] = await rows(`SELECT ${FILE_COLUMNS} FROM samples WHERE sha256 = $1 GROUP BY sha256`, [
        sha256,
      ]);
      return row ? toFile(row) : null;
    },

    async list({ site, line, agent, verdict, before, limit }) {
      const found = await rows(
        `SELECT ${SAMPLE_COLUMNS} FROM samples
         WHERE ($1::VARCHAR IS NULL OR site = $1) AND ($2::VARCHAR IS NULL OR line = $2)
           AND ($3::VARCHAR IS NULL OR agent = $3) AND ($4::VARCHAR IS NULL OR verdict = $4)
           AND ($5::BIGINT IS NULL OR ts < $5 OR (ts = $5 AND id < $6::BIGINT))
         ORDER BY ts DESC, id DESC LIMIT $7`,
        [
          site ?? null,
          line ?? null,
          agent ?? null,
          verdict ?? null,
          before?.ts ?? null,
          before?.id ?? 0,
          limit,
        ],
      );
      const samples = found.map(toRecord);
      const last = samples.at(-1);
      return { samples, next: last && samples.length === limit ? `${last.ts}.${last.id}` : null };
    },

    async usage() {
      const [row] = await rows(
        `SELECT count(*)::DOUBLE AS files, coalesce(sum(bytes), 0)::DOUBLE AS bytes
         FROM (SELECT any_value(bytes) AS bytes FROM samples GROUP BY sha256)`,
      );
      return { files: Number(row?.files ?? 0), bytes: Number(row?.bytes ?? 0) };
    },

    async files() {
      return (await rows(`SELECT ${FILE_COLUMNS} FROM samples GROUP BY sha256`)).map(toFile);
    },

    async evictionOrder(limit) {
      const found = await rows(
        `SELECT ${FILE_COLUMNS} FROM samples GROUP BY sha256
         ORDER BY bool_or(label IS NOT NULL), max(received_ts), sha256 LIMIT $1`,
        [limit],
      );
      return found.map(toFile);
    },

    remove: (sha256) =>
      write(async () => (await writer.run('DELETE FROM samples WHERE sha256 = $1', [sha256])).rowsChanged),

    setLabel: (sha256, label) =>
      write(
        async () =>
          (await writer.run('UPDATE samples SET label = $2::VARCHAR WHERE sha256 = $1', [sha256, label]))
            .rowsChanged,
      ),

    close() {
      closing ??= (async () => {
        await Promise.all([write(async () => writer.closeSync()), read(async () => reader.closeSync())]);
      })();
      return closing;
    },
  };
}
