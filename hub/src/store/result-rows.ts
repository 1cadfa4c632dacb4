import type { DuckDBAppender } from '@duckdb/node-api';
import type { AgentRef, InspectionResult } from '@sightline/protocol';

/** Appends one result as a row of the `results` table (column order of the table). */
export function appendResultRow(
  a: DuckDBAppender,
  ref: AgentRef,
  session: string,
  r: InspectionResult,
  receivedTs: number,
): void {
  a.appendVarchar(ref.site);
  a.appendVarchar(ref.line);
  a.appendVarchar(ref.agent);
  a.appendBigInt(BigInt(r.seq));
  a.appendBigInt(BigInt(r.ts));
  a.appendBigInt(BigInt(receivedTs));
  a.appendVarchar(session);
  a.appendVarchar(r.frame);
  optionalVarchar(a, r.camera);
  a.appendVarchar(r.model.id);
  a.appendVarchar(r.model.version);
  a.appendVarchar(r.verdict);
  a.appendDouble(r.score);
  a.appendDouble(r.threshold);
  a.appendDouble(r.latency.capture);
  a.appendDouble(r.latency.preprocess);
  a.appendDouble(r.latency.infer);
  a.appendDouble(r.latency.total);
  a.appendBoolean(r.shadow);
  a.appendBoolean(r.replayed);
  optionalVarchar(a, r.truth);
  optionalVarchar(a, r.image);
  // Fields without a column of their own (class scores, boxes) are kept as JSON.
  const extra = r.classes || r.boxes ? JSON.stringify({ classes: r.classes, boxes: r.boxes }) : undefined;
  optionalVarchar(a, extra);
  a.endRow();
}

function optionalVarchar(a: DuckDBAppender, value: string | undefined): void {
  if (value === undefined) a.appendNull();
  else a.appendVarchar(value);
}

/** DuckDB returns BIGINT as bigint; the hub's numbers (ms, counts) fit a double. */
export function num(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : Number(value ?? 0);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

export function jsonOrNull<T>(value: unknown): T | null {
  return typeof value === 'string' ? (JSON.parse(value) as T) : null;
}
