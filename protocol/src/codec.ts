import { toJSONSchema, type z } from 'zod';
import { type FieldIssue, ProtocolError } from './errors.ts';
import { fastResultsBatch } from './fast-results.ts';
import * as m from './messages.ts';
import * as d from './model-delivery.ts';
import type { UplinkChannel } from './topics.ts';

/** Default cap on one payload; a results batch of 1000 is ~400 KiB. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * Deepest nesting of arrays and objects a payload may have. Ours need 4; the cap keeps a hostile payload (an
 * event `detail` nested thousands deep) from reaching parsers and databases that recurse per level.
 */
export const MAX_JSON_DEPTH = 32;

/** True when the JSON text nests arrays/objects deeper than `max` (strings skipped; no parsing). */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

const textDecoder = new TextDecoder('utf-8', { fatal: true });
const textEncoder = new TextEncoder();

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  }
  return out;
}

export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message }));
}

/** Formats issues for a person: `results[3].score: expected number, received string`. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.path || '(payload)'}: ${i.message}`).join('; ');
}

/** Parses and validates one JSON payload. Never throws. */
export function decode<S extends z.ZodType>(
  schema: S,
  payload: Uint8Array | string,
  maxBytes = MAX_PAYLOAD_BYTES,
): Decoded<z.infer<S>> {
  const size = typeof payload === 'string' ? textEncoder.encode(payload).byteLength : payload.byteLength;
  if (size > maxBytes) {
    return {
      ok: false,
      error: new ProtocolError('SL_PAYLOAD_TOO_LARGE', `payload is ${size} bytes; the limit is ${maxBytes}`),
    };
  }
  let json: unknown;
  try {
    const text = typeof payload === 'string' ? payload : textDecoder.decode(payload);
    if (jsonDeeperThan(text, MAX_JSON_DEPTH)) {
      return {
        ok: false,
        error: new ProtocolError(
          'SL_PAYLOAD_TOO_DEEP',
          `payload nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep; flatten it (e.g. an event's detail)`,
        ),
      };
    }
    json = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return {
      ok: false,
      error: new ProtocolError('SL_PAYLOAD_NOT_JSON', `payload is not UTF-8 JSON: ${reason}`),
    };
  }
  const fast = FAST_PATHS.get(schema)?.(json);
  if (fast !== undefined) return { ok: true, value: fast as z.infer<S> };
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = issuesOf(parsed.error);
  return { ok: false, error: new ProtocolError('SL_PAYLOAD_INVALID', describeIssues(issues), issues) };
}

/** Checks that answer as the schema would for the common shape of a hot message, or undefined to ask zod. */
const FAST_PATHS = new Map<z.ZodType, (json: unknown) => unknown>([[m.ResultsBatch, fastResultsBatch]]);

/** Validates then serialises, so nothing invalid leaves a process. Throws ProtocolError. */
export function encode<S extends z.ZodType>(schema: S, value: z.input<S>): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    throw new ProtocolError('SL_PAYLOAD_INVALID', describeIssues(issues), issues);
  }
  return JSON.stringify(parsed.data);
}

/** The schema of each uplink channel's payload. */
export const uplinkSchemas = {
  birth: m.Birth,
  state: m.AgentState,
  results: m.ResultsBatch,
  stats: m.Stats,
  events: m.AgentEvent,
  'model/status': d.ModelStatus,
} as const satisfies Record<UplinkChannel, z.ZodType>;

/** Every message schema by name, for people writing their own clients. */
export const messageSchemas = {
  ...uplinkSchemas,
  InspectionResult: m.InspectionResult,
  HubState: m.HubState,
  ResultsAck: m.ResultsAck,
  SampleMeta: m.SampleMeta,
  ModelDesired: d.ModelDesired,
  BundleMeta: d.BundleMeta,
  RollbackOrder: d.RollbackOrder,
  'cmd/rebirth': m.Commands.rebirth,
  'cmd/capture': m.Commands.capture,
  'cmd/set-threshold': m.Commands['set-threshold'],
  'cmd/trigger': m.Commands.trigger,
  'cmd/recipe': m.Commands.recipe,
  'cmd/set-mode': m.Commands['set-mode'],
} as const;

/** JSON Schema (draft 2020-12) of every message, keyed as in `messageSchemas`. */
export function jsonSchemas(): Record<keyof typeof messageSchemas, object> {
  const entries = Object.entries(messageSchemas).map(([key, schema]) => [
    key,
    toJSONSchema(schema, { io: 'input' }),
  ]);
  return Object.fromEntries(entries) as Record<keyof typeof messageSchemas, object>;
}
