import type { DuckDBAppender } from '@duckdb/node-api';
import type { InspectionResult } from '@sightline/protocol';
import { TRUTH_CODE, VERDICT_CODE } from './rollup-sql.ts';

/** How a result's capture time was taken (ingest's clock check). */
export const CLOCK = { ok: 0, ahead: 1, behind: 2 } as const;
export type ClockFlag = (typeof CLOCK)[keyof typeof CLOCK];

export interface ResultRowContext {
  batch: bigint;
  agentId: number;
  lineId: number;
  session: string;
  receivedTs: number;
  modelKey: number;
}

/** The class with the highest score, kept per defect for the per-class rollup. */
export function topClass(classes: Record<string, number> | undefined): string | null {
  if (!classes) return null;
  let best: string | null = null;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const [name, score] of Object.entries(classes)) {
    if (score > bestScore) {
      best = name;
      bestScore = score;
    }
  }
  return best;
}

/** Appends one result as a row of the `results` table (column order of the table). */
export function appendResultRow(
  a: DuckDBAppender,
  ctx: ResultRowContext,
  r: InspectionResult,
  ts: number,
  clock: ClockFlag,
): void {
  a.appendBigInt(ctx.batch);
  a.appendInteger(ctx.agentId);
  a.appendInteger(ctx.lineId);
  a.appendBigInt(BigInt(r.seq));
  a.appendBigInt(BigInt(ts));
  a.appendBigInt(BigInt(r.ts));
  a.appendBigInt(BigInt(ctx.receivedTs));
  a.appendUTinyInt(clock);
  a.appendVarchar(ctx.session);
  a.appendVarchar(r.frame);
  optionalVarchar(a, r.camera);
  a.appendInteger(ctx.modelKey);
  a.appendUTinyInt(VERDICT_CODE[r.verdict]);
  a.appendDouble(r.score);
  a.appendDouble(r.threshold);
  a.appendFloat(r.latency.capture);
  a.appendFloat(r.latency.preprocess);
  a.appendFloat(r.latency.infer);
  a.appendFloat(r.latency.total);
  a.appendBoolean(r.shadow);
  a.appendBoolean(r.replayed);
  if (r.truth === undefined) a.appendNull();
  else a.appendUTinyInt(TRUTH_CODE[r.truth]);
  optionalVarchar(a, r.verdict === 'defect' ? (topClass(r.classes) ?? undefined) : undefined);
  optionalVarchar(a, r.image);
  // Fields without a column of their own (class scores, boxes, the trigger, regions) are kept as JSON text.
  // Most results have none: no object is built for them (this runs once per stored result).
  const partFrom = r.part?.from;
  const hasMore =
    r.classes !== undefined ||
    r.boxes !== undefined ||
    r.trigger !== undefined ||
    r.regions !== undefined ||
    partFrom !== undefined;
  optionalVarchar(
    a,
    hasMore
      ? JSON.stringify({
          classes: r.classes,
          boxes: r.boxes,
          trigger: r.trigger,
          regions: r.regions,
          part_from: partFrom,
        })
      : undefined,
  );
  optionalVarchar(a, r.part?.id);
  optionalVarchar(a, r.recipe);
  a.appendBoolean(r.mode === 'pilot');
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
