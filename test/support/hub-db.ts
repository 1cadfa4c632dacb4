import { DuckDBInstance } from '@duckdb/node-api';

/** One stored result, as much of it as the tally compares. */
export interface StoredResult {
  agent: string;
  seq: number;
  ts: number;
  frame: string;
  camera: string | null;
  verdict: string;
  score: number;
}

/**
 * Reads every stored result from a hub's DuckDB file, read-only. The hub must be stopped: DuckDB lets
 * one process hold a file open for writing.
 */
export async function readStoredResults(dbPath: string): Promise<StoredResult[]> {
  const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(
      'SELECT agent, seq, ts, frame, camera, verdict, score FROM results ORDER BY agent, seq',
    );
    return reader.getRowObjectsJS().map((r) => ({
      agent: String(r.agent),
      seq: Number(r.seq),
      ts: Number(r.ts),
      frame: String(r.frame),
      camera: r.camera === null ? null : String(r.camera),
      verdict: String(r.verdict),
      score: Number(r.score),
    }));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
