import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from 'pino';
import { HubError } from '../errors.ts';
import type { ExportParams } from './params.ts';
import { EXPORT_TABLES, type ExportTables } from './tables.ts';

export interface ExportLimits {
  maxRows: number;
  timeoutMs: number;
  maxConcurrent: number;
}

export interface ExportFile {
  body: ReadableStream<Uint8Array>;
  bytes: number;
  rows: number;
  /** The row cap was reached: there may be more rows in the range. */
  truncated: boolean;
  filename: string;
  contentType: string;
}

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', parquet: 'application/vnd.apache.parquet' };

function filenameOf(p: ExportParams): string {
  const parts = ['sightline', p.table, p.site, p.line, p.agent, p.from, p.to].filter((x) => x !== undefined);
  return `${parts.join('-')}.${p.format}`;
}

/**
 * Exports a table to CSV or Parquet with DuckDB's COPY into a temp file, then streams the file: DuckDB
 * writes it in bounded memory, and the hub never holds the rows. Rows come in no guaranteed order (sort by `ts`). Each export gets its own connection, a
 * row cap and a time limit (the query is interrupted).
 */
export function createExporter({
  connect,
  limits,
  log,
  tables = EXPORT_TABLES,
  tempRoot = tmpdir(),
}: {
  connect: () => Promise<DuckDBConnection>;
  limits: ExportLimits;
  log: Logger;
  /** Injectable for tests; the routes use EXPORT_TABLES. */
  tables?: ExportTables;
  tempRoot?: string;
}) {
  let running = 0;

  async function copy(params: ExportParams, path: string): Promise<number> {
    const select = tables[params.table] as string;
    const options = params.format === 'csv' ? 'FORMAT csv, HEADER' : 'FORMAT parquet, COMPRESSION zstd';
    // The path is ours (mkdtemp); single quotes doubled all the same. Filter values are bound.
    const sql = `COPY (${select} LIMIT $6) TO '${path.replaceAll("'", "''")}' (${options})`;
    const values = [
      params.site ?? null,
      params.line ?? null,
      params.agent ?? null,
      params.from ?? null,
      params.to ?? null,
      limits.maxRows,
    ];
    const conn = await connect();
    // Connection-local (DuckDB's scope for this setting is LOCAL; the store's readers and writer keep order):
    // without it COPY holds batches back to write them in table order. Measured on 1M joined results: Parquet
    // RSS growth 164-188 MB -> 121-124 MB, CSV about the same (47-102 MB); ORDER BY ts instead costs ~400 MB.
    await conn.run('SET SESSION preserve_insertion_order = false');
    let timedOut = false;
    let again: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      conn.interrupt();
      // An interrupt that lands before the query has started is lost: repeat until the query ends.
      again = setInterval(() => conn.interrupt(), 100);
    }, limits.timeoutMs);
    try {
      return Number((await conn.run(sql, values)).rowsChanged);
    } catch (cause) {
      if (!timedOut) throw cause;
      throw new HubError(
        'SL_EXPORT_TIMEOUT',
        `export of ${params.table} stopped after ${limits.timeoutMs / 1000} s; narrow it with from/to, site, line or agent, or raise export.timeoutS`,
        { cause },
      );
    } finally {
      clearTimeout(timer);
      clearInterval(again);
      conn.closeSync();
    }
  }

  return {
    async run(params: ExportParams): Promise<ExportFile> {
      if (running >= limits.maxConcurrent) {
        throw new HubError(
          'SL_EXPORT_BUSY',
          `${running} exports are running (export.maxConcurrent); try again when one has finished`,
        );
      }
      running++;
      const started = Date.now();
      const dir = await mkdtemp(join(tempRoot, 'sl-export-'));
      try {
        const path = join(dir, `export.${params.format}`);
        const rows = await copy(params, path);
        // Open, then delete: the open file streams on, and its space is freed when the stream closes
        // (finished or cancelled by the client), with nothing left behind after a crash.
        const handle = await open(path, 'r');
        const { size } = await handle.stat();
        const truncated = rows >= limits.maxRows;
        log.info({ ...params, rows, bytes: size, truncated, ms: Date.now() - started }, 'export ready');
        return {
          body: Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>,
          bytes: size,
          rows,
          truncated,
          filename: filenameOf(params),
          contentType: CONTENT_TYPES[params.format],
        };
      } finally {
        running--;
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

export type Exporter = ReturnType<typeof createExporter>;
