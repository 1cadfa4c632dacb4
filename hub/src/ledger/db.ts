import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

export type Row = Record<string, unknown>;

/** The ledger's own connection: one statement at a time (writes are rare, reads small). */
export interface LedgerDb {
  all(sql: string, params?: DuckDBValue[]): Promise<Row[]>;
  run(sql: string, params?: DuckDBValue[]): Promise<void>;
  /** Runs `work` in one transaction, nothing else in between. */
  tx<T>(work: (db: Pick<LedgerDb, 'all' | 'run'>) => Promise<T>): Promise<T>;
  close(): void;
}

export function createLedgerDb(conn: DuckDBConnection): LedgerDb {
  let last: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = last.then(work, work);
    last = next.catch(() => undefined);
    return next;
  };
  const all = async (sql: string, params: DuckDBValue[] = []) =>
    (await conn.runAndReadAll(sql, params)).getRowObjectsJS() as Row[];
  const run = async (sql: string, params: DuckDBValue[] = []) => {
    await conn.run(sql, params);
  };
  return {
    all: (sql, params) => serial(() => all(sql, params)),
    run: (sql, params) => serial(() => run(sql, params)),
    tx: (work) =>
      serial(async () => {
        await conn.run('BEGIN TRANSACTION');
        try {
          const out = await work({ all, run });
          await conn.run('COMMIT');
          return out;
        } catch (err) {
          await conn.run('ROLLBACK');
          throw err;
        }
      }),
    close: () => conn.closeSync(),
  };
}

/** BIGINTs come back as bigint; ms and counts fit a double. */
export const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
