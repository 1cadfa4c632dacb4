import { NASTY_NUMBERS, NASTY_STRINGS, type Random } from './random.ts';

/** What a generated MQTT payload is meant to break. */
export type PayloadKind =
  | 'random-bytes'
  | 'invalid-utf8'
  | 'deep-nesting'
  | 'nasty-numbers'
  | 'wrong-types'
  | 'oversized'
  | 'truncated'
  | 'nasty-strings'
  | 'pollution';

/** A fixed capture time: the same seed makes the same bytes. */
const TS = 1_767_225_600_000;

const valid = {
  results: () => ({
    session: 's',
    results: [
      {
        seq: 1,
        ts: TS,
        frame: 'f1',
        model: { id: 'default', version: '1.0.0' },
        verdict: 'ok',
        score: 0.1,
        threshold: 0.5,
        latency: { capture: 1, preprocess: 1, infer: 1, total: 3 },
      },
    ],
  }),
  birth: () => ({
    session: 's',
    agent_version: '1',
    model: { id: 'default', version: '1', sha256: 'a'.repeat(64) },
    cameras: [],
    thresholds: { defect: 0.5 },
    capabilities: [],
  }),
  state: () => ({ online: true, session: 's', ts: TS }),
  stats: () => ({
    ts: TS,
    session: 's',
    uptime_s: 1,
    fps: { in: 1, processed: 1 },
    dropped: 0,
    latency: { p50: 1, p95: 1, p99: 1 },
    outbox: { depth: 0, dropped: 0 },
    cpu: 0,
    memory_mb: 1,
    cameras: [],
  }),
  events: () => ({ ts: TS, kind: 'camera_lost', severity: 'warning', message: 'm' }),
  command: () => ({ threshold: 0.5, camera: 'cam0', part: 'P1', recipe: 'r', index: 1, mode: 'live' }),
};
export type Template = keyof typeof valid;

const other = (r: Random): unknown =>
  r.pick([null, true, 0, -1, 1e300, '', 'x', [], {}, [[[]]], { a: { b: {} } }, 'x'.repeat(r.int(1, 5000))]);

/** Replaces values at random places of a JSON value with other types. */
function mutate(v: unknown, r: Random, depth = 0): unknown {
  if (depth > 6) return v;
  if (Array.isArray(v)) return v.map((x) => (r.next() < 0.3 ? other(r) : mutate(x, r, depth + 1)));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (r.next() < 0.1) continue; // a field missing
      out[k] = r.next() < 0.3 ? other(r) : mutate(x, r, depth + 1);
    }
    return out;
  }
  return v;
}

/** One hostile payload of `kind` shaped after message `template`; at most `maxBytes` + a little unless oversized. */
export function payload(kind: PayloadKind, template: Template, r: Random, oversizedBytes: number): Buffer {
  const base = JSON.stringify(valid[template]());
  switch (kind) {
    case 'random-bytes':
      return r.bytes(r.int(0, 2048));
    case 'invalid-utf8':
      // Overlong encodings, lone continuation bytes, surrogates as UTF-8, truncated sequences.
      return Buffer.concat([
        Buffer.from(base.slice(0, r.int(0, base.length))),
        Buffer.from(
          r.pick([
            [0xc0, 0x80],
            [0x80],
            [0xed, 0xa0, 0x80],
            [0xf4, 0x90, 0x80, 0x80],
            [0xe2, 0x82],
            [0xff, 0xfe],
          ]),
        ),
        Buffer.from(base.slice(r.int(0, base.length))),
      ]);
    case 'deep-nesting': {
      const depth = r.pick([33, 100, 1000, 10_000, 100_000]);
      const open = r.next() < 0.5 ? '[' : '{"a":';
      const close = open === '[' ? ']' : '}';
      return Buffer.from(`${open.repeat(depth)}1${close.repeat(r.next() < 0.8 ? depth : 0)}`);
    }
    case 'nasty-numbers':
      return Buffer.from(
        base.replace(/(-?\d+(\.\d+)?)/g, () =>
          r.next() < 0.5 ? r.pick(NASTY_NUMBERS) : r.pick(['NaN', 'Infinity', '-Infinity', '1e309']),
        ),
      );
    case 'wrong-types':
      return Buffer.from(JSON.stringify(mutate(valid[template](), r)));
    case 'oversized':
      return Buffer.concat([
        Buffer.from('{"session":"s","results":['),
        Buffer.alloc(oversizedBytes, 0x20),
        Buffer.from(']}'),
      ]);
    case 'truncated':
      return Buffer.from(base.slice(0, r.int(0, base.length - 1)));
    case 'nasty-strings':
      return Buffer.from(
        base.replace(/"([a-z0-9._-]*)"(?=[,}\]])/g, () => JSON.stringify(r.pick(NASTY_STRINGS))),
      );
    case 'pollution':
      return Buffer.from(
        base.replace('{', `{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}},`),
      );
  }
}

/** Kinds and how often they come, out of 1000; oversized ones are rare (each is over a megabyte). */
export const KIND_WEIGHTS: ReadonlyArray<[PayloadKind, number]> = [
  ['random-bytes', 150],
  ['invalid-utf8', 120],
  ['deep-nesting', 100],
  ['nasty-numbers', 120],
  ['wrong-types', 250],
  ['oversized', 5],
  ['truncated', 95],
  ['nasty-strings', 110],
  ['pollution', 50],
];

export function pickKind(r: Random): PayloadKind {
  let x = r.int(0, KIND_WEIGHTS.reduce((n, [, w]) => n + w, 0) - 1);
  for (const [kind, w] of KIND_WEIGHTS) {
    if (x < w) return kind;
    x -= w;
  }
  return 'wrong-types';
}
