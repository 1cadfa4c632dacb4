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

/** A results message the hub refused and kept as a dead letter (its agent was told, and let those seqs go). */
export interface ResultsDeadLetter {
  topic: string;
  code: string;
  error: string;
}

/** The hub's dead letters on results topics, read-only from its stopped DuckDB file. */
export async function readResultsDeadLetters(dbPath: string): Promise<ResultsDeadLetter[]> {
  const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(
      `SELECT topic, code, left(error, 300) AS error FROM dead_letters WHERE topic LIKE '%/results' ORDER BY id`,
    );
    return reader.getRowObjectsJS().map((r) => ({
      topic: String(r.topic),
      code: String(r.code),
      error: String(r.error),
    }));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/**
 * Reads every stored result from a hub's DuckDB file, read-only. The hub must be stopped: DuckDB lets
 * one process hold a file open for writing.
 */
export async function readStoredResults(dbPath: string): Promise<StoredResult[]> {
  const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    // The hub keeps agents as integer ids (table agents) and verdicts as codes 0 ok / 1 defect / 2 uncertain.
    const reader = await conn.runAndReadAll(
      `SELECT a.agent, r.seq, r.ts, r.frame, r.camera, ['ok', 'defect', 'uncertain'][r.verdict + 1] AS verdict,
         r.score
       FROM results r JOIN agents a USING (agent_id) ORDER BY a.agent, r.seq`,
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
