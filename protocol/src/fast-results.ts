import type { z } from 'zod';
import type { ResultsBatch } from './messages.ts';

type Batch = z.infer<typeof ResultsBatch>;

/**
 * A results batch checked without zod, for the hub's hot path (zod took about as long as JSON.parse per result).
 * It accepts only what the schema surely accepts, written the common way: a result with its core fields (seq,
 * ts, frame, camera, model, verdict, score, threshold, latency, image, shadow, replayed, mode, truth, recipe,
 * part) and nothing else. Anything else — a field it does not check (classes, boxes, live, trigger, regions),
 * an unknown key zod would strip, any doubt — returns undefined, and the caller asks zod, which also words the
 * error. Defaults are filled as zod fills them. `fast-results.test.ts` holds it to zod's answers.
 */
export function fastResultsBatch(json: unknown): Batch | undefined {
  if (!isPlain(json)) return undefined;
  let keys = 0;
  for (const _ in json) keys++;
  if (keys !== 2) return undefined;
  const { session, results } = json as { session?: unknown; results?: unknown };
  if (!isName(session, 64) || !Array.isArray(results)) return undefined;
  if (results.length < 1 || results.length > 1000) return undefined;
  for (const r of results) if (!fastResult(r)) return undefined;
  return json as Batch;
}

const VERDICTS = new Set(['ok', 'defect', 'uncertain']);
const TRUTHS = new Set(['ok', 'defect']);
const MODES = new Set(['pilot', 'live']);
const PART_FROM = new Set(['trigger', 'code', 'counter']);

/** Checks one result in place and fills its defaults; false when zod must decide. */
function fastResult(r: unknown): boolean {
  if (!isPlain(r)) return false;
  const o = r as Record<string, unknown>;
  for (const key in o) {
    const v = o[key];
    switch (key) {
      case 'seq':
      case 'ts':
        if (!(Number.isSafeInteger(v) && (v as number) >= 0)) return false;
        break;
      case 'frame':
        if (!isName(v, 128)) return false;
        break;
      case 'camera':
      case 'recipe':
        if (!isName(v, 64)) return false;
        break;
      case 'model':
        if (!isModelRef(v)) return false;
        break;
      case 'verdict':
        if (!VERDICTS.has(v as string)) return false;
        break;
      case 'score':
      case 'threshold':
        if (!Number.isFinite(v)) return false;
        break;
      case 'latency':
        if (!isLatency(v)) return false;
        break;
      case 'image':
        if (typeof v !== 'string' || v.length > 512) return false;
        break;
      case 'shadow':
      case 'replayed':
        if (typeof v !== 'boolean') return false;
        break;
      case 'mode':
        if (!MODES.has(v as string)) return false;
        break;
      case 'truth':
        if (!TRUTHS.has(v as string)) return false;
        break;
      case 'part':
        if (!isPart(v)) return false;
        break;
      default:
        return false;
    }
  }
  // Every required field present (the switch checked those that are).
  if (o.seq === undefined || o.ts === undefined || o.frame === undefined || o.model === undefined)
    return false;
  if (o.verdict === undefined || o.score === undefined || o.threshold === undefined) return false;
  if (o.latency === undefined) return false;
  if (o.shadow === undefined) o.shadow = false;
  if (o.replayed === undefined) o.replayed = false;
  if (o.mode === undefined) o.mode = 'live';
  return true;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isName(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= max;
}

function hasExactly(o: Record<string, unknown>, n: number): boolean {
  let count = 0;
  for (const _ in o) count++;
  return count === n;
}

function isModelRef(v: unknown): boolean {
  return isPlain(v) && hasExactly(v, 2) && isName(v.id, 128) && isName(v.version, 128);
}

function isLatency(v: unknown): boolean {
  if (!isPlain(v) || !hasExactly(v, 4)) return false;
  for (const k of ['capture', 'preprocess', 'infer', 'total'] as const) {
    const x = v[k];
    if (!(Number.isFinite(x) && (x as number) >= 0)) return false;
  }
  return true;
}

function isPart(v: unknown): boolean {
  return isPlain(v) && hasExactly(v, 2) && isName(v.id, 128) && PART_FROM.has(v.from as string);
}
