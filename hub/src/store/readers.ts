import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { QueryTimeoutError } from '../errors.ts';

export type Row = Record<string, unknown>;

export interface Readers {
  /** Runs one read query on a free read connection (waiting for one if all are busy), within the time limit. */
  query(sql: string, params?: DuckDBValue[], timeoutMs?: number): Promise<Row[]>;
  readonly busy: number;
  readonly waiting: number;
  close(): void;
}

/**
 * Read connections of their own, so reads never queue behind ingest's transactions (DuckDB's MVCC lets them
 * run beside the writer). A pool bounds how many run at once; each query is interrupted when it runs past its
 * time limit, so one expensive request cannot hold a connection for long.
 */
export async function createReaders(
  instance: DuckDBInstance,
  { size, timeoutMs }: { size: number; timeoutMs: number },
): Promise<Readers> {
  const free: DuckDBConnection[] = [];
  for (let i = 0; i < size; i++) free.push(await instance.connect());
  const all = [...free];
  const waiters: Array<(conn: DuckDBConnection) => void> = [];
  let busy = 0;

  const acquire = (): Promise<DuckDBConnection> => {
    const conn = free.pop();
    if (conn) return Promise.resolve(conn);
    return new Promise((resolve) => waiters.push(resolve));
  };
  const release = (conn: DuckDBConnection) => {
    const next = waiters.shift();
    if (next) next(conn);
    else free.push(conn);
  };

  return {
    async query(sql, params = [], limitMs = timeoutMs) {
      const conn = await acquire();
      busy++;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        conn.interrupt();
      }, limitMs);
      try {
        return (await conn.runAndReadAll(sql, params)).getRowObjectsJS() as Row[];
      } catch (error) {
        if (timedOut) {
          throw new QueryTimeoutError(
            `the query took longer than ${limitMs} ms and was stopped; ask for a shorter window or a coarser bucket`,
          );
        }
        throw error;
      } finally {
        clearTimeout(timer);
        busy--;
        release(conn);
      }
    },
    get busy() {
      return busy;
    },
    get waiting() {
      return waiters.length;
    },
    close() {
      for (const conn of all) conn.closeSync();
    },
  };
}
