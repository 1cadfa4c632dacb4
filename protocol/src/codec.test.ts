import { describe, expect, it } from 'vitest';
import { decode, encode, jsonSchemas, uplinkSchemas } from './codec.ts';
import { Commands, HubState, ResultsAck } from './messages.ts';
import { ModelDesired } from './model-delivery.ts';

const sha = 'a'.repeat(64);
const result = {
  seq: 7,
  ts: 1_700_000_000_000,
  frame: 'f-7',
  model: { id: 'default', version: '0.1.0' },
  verdict: 'defect',
  score: 0.93,
  threshold: 0.5,
  latency: { capture: 0.1, preprocess: 0.4, infer: 1.2, total: 1.8 },
};

/** One valid and one invalid example per message, with the field the error must name. */
const cases = {
  birth: {
    valid: {
      session: 's1',
      ts: 1,
      agentVersion: '0.1.0',
      model: { id: 'default', version: '0.1.0', sha256: sha },
      cameras: [{ id: 'cam0', source: 'synthetic', state: 'running' }],
      thresholds: { defect: 0.5 },
      capabilities: ['gpio'],
    },
    invalid: { session: 's1', ts: 1, agentVersion: '0.1.0', model: { id: 'd', version: '1', sha256: 'xyz' } },
    field: 'model.sha256',
  },
  state: {
    valid: { online: true, session: 's1', ts: 5 },
    invalid: { online: 'yes', session: 's1', ts: 5 },
    field: 'online',
  },
  results: {
    valid: { session: 's1', results: [result] },
    invalid: { session: 's1', results: [result, { ...result, score: 'high' }] },
    field: 'results[1].score',
  },
  stats: {
    valid: {
      ts: 1,
      session: 's1',
      uptime_s: 10,
      fps: { in: 30, processed: 30 },
      dropped: 0,
      latency: { p50: 2, p95: 3, p99: 4 },
      outbox: { depth: 0, dropped: 0 },
      cpu: 0.4,
      memory_mb: 120,
      cameras: [],
    },
    invalid: { ts: 1, session: 's1', uptime_s: -1 },
    field: 'uptime_s',
  },
  events: {
    valid: { ts: 1, kind: 'camera_lost', severity: 'warning', message: 'camera cam0 stopped sending frames' },
    invalid: { ts: 1, kind: 'meteor', severity: 'warning', message: 'x' },
    field: 'kind',
  },
  'model/status': {
    valid: { ts: 1, model: { id: 'd', version: '2' }, phase: 'downloading', progress: 0.5 },
    invalid: { ts: 1, model: { id: 'd', version: '2' }, phase: 'downloading', progress: 1.5 },
    field: 'progress',
  },
} as const;

describe('decode', () => {
  for (const [channel, c] of Object.entries(cases)) {
    const schema = uplinkSchemas[channel as keyof typeof uplinkSchemas];
    it(`accepts a valid ${channel} payload`, () => {
      const decoded = decode(schema, JSON.stringify(c.valid));
      expect(decoded.ok).toBe(true);
    });
    it(`rejects an invalid ${channel} payload naming ${c.field}`, () => {
      const decoded = decode(schema, new TextEncoder().encode(JSON.stringify(c.invalid)));
      expect(decoded.ok).toBe(false);
      if (decoded.ok) return;
      expect(decoded.error.code).toBe('SL_PAYLOAD_INVALID');
      expect(decoded.error.issues.map((i) => i.path)).toContain(c.field);
      expect(decoded.error.message).toContain(`${c.field}:`);
    });
  }

  it('fills result defaults (shadow, replayed = false)', () => {
    const decoded = decode(uplinkSchemas.results, JSON.stringify({ session: 's', results: [result] }));
    expect(decoded.ok && decoded.value.results[0]).toMatchObject({ shadow: false, replayed: false });
  });

  it('rejects non-JSON and oversized payloads with their own codes', () => {
    const notJson = decode(HubState, 'online');
    expect(!notJson.ok && notJson.error.code).toBe('SL_PAYLOAD_NOT_JSON');
    const badUtf8 = decode(HubState, new Uint8Array([0xff, 0xfe]));
    expect(!badUtf8.ok && badUtf8.error.code).toBe('SL_PAYLOAD_NOT_JSON');
    const big = decode(HubState, JSON.stringify({ online: true, ts: 1, pad: 'x'.repeat(100) }), 64);
    expect(!big.ok && big.error.code).toBe('SL_PAYLOAD_TOO_LARGE');
    expect(!big.ok && big.error.message).toMatch(/limit is 64/);
  });

  it('validates downlink messages too', () => {
    expect(
      decode(
        ModelDesired,
        JSON.stringify({ ts: 1, model: { id: 'd', version: '2', sha256: sha }, mode: 'canary' }),
      ).ok,
    ).toBe(false);
    expect(decode(Commands['set-threshold'], JSON.stringify({ threshold: 0.7 })).ok).toBe(true);
    expect(decode(Commands['set-threshold'], JSON.stringify({ threshold: 'x' })).ok).toBe(false);
    // Bounded: a threshold is a score in [0, 1]; 1e300 would silence every defect.
    for (const threshold of ['1e300', '-0.1', '1.0001', 'NaN']) {
      expect(decode(Commands['set-threshold'], `{"threshold":${threshold}}`).ok).toBe(false);
    }
    expect(decode(Commands['set-threshold'], '{"threshold":1,"by":"lena"}').ok).toBe(true);
  });
});

describe('encode', () => {
  it('round-trips a valid message', () => {
    const text = encode(HubState, { online: true, ts: 3 });
    expect(JSON.parse(text)).toEqual({ online: true, ts: 3 });
  });
  it('refuses to send an invalid message', () => {
    expect(() => encode(HubState, { online: true, ts: -1 })).toThrow(/ts:/);
  });
});

describe('ResultsAck', () => {
  it('takes inclusive seq ranges, and refuses a reversed one naming it', () => {
    const ok = decode(
      ResultsAck,
      JSON.stringify({
        ts: 1,
        stored: [
          [0, 99],
          [150, 150],
        ],
        rejected: [[100, 101]],
      }),
    );
    expect(ok.ok && ok.value.stored).toEqual([
      [0, 99],
      [150, 150],
    ]);
    const bad = decode(ResultsAck, JSON.stringify({ ts: 1, stored: [[5, 4]] }));
    expect(!bad.ok && bad.error.message).toMatch(/^stored\[0\]: expected \[lo, hi\] with lo <= hi/);
  });
  it('lets an older hub state without capabilities through', () => {
    expect(decode(HubState, JSON.stringify({ online: true, ts: 1 })).ok).toBe(true);
    const v = decode(HubState, JSON.stringify({ online: true, ts: 1, capabilities: ['results-ack'] }));
    expect(v.ok && v.value.capabilities).toEqual(['results-ack']);
  });
});

describe('jsonSchemas', () => {
  it('exports a JSON Schema per message with the required fields', () => {
    const schemas = jsonSchemas() as Record<
      string,
      { type?: string; required?: string[]; properties?: object }
    >;
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining(['results', 'birth', 'InspectionResult', 'cmd/set-threshold']),
    );
    const r = schemas.InspectionResult;
    expect(r?.type).toBe('object');
    expect(r?.required).toEqual(
      expect.arrayContaining(['seq', 'ts', 'frame', 'model', 'verdict', 'score', 'latency']),
    );
    expect(r?.required).not.toContain('shadow');
  });
});

describe('committed JSON Schema files', () => {
  it('match the schemas in code (regenerate with pnpm --filter @sightline/protocol schemas)', async () => {
    const { readFile } = await import('node:fs/promises');
    for (const [name, schema] of Object.entries(jsonSchemas())) {
      const file = new URL(`../schemas/${name.replace('/', '-')}.schema.json`, import.meta.url);
      expect(JSON.parse(await readFile(file, 'utf8')), name).toEqual(schema);
    }
  });
});

describe('part fields (triggered inspection)', () => {
  const part = {
    ...result,
    part: { id: 'P000123', from: 'code' },
    trigger: { kind: 'gpio', ts: 1_700_000_000_000 - 40, delay: 38.5 },
    recipe: 'plate-a',
    regions: [
      { name: 'left', verdict: 'ok', score: 0.1, threshold: 0.5 },
      { name: 'right', verdict: 'defect', score: 0.93, threshold: 0.5 },
    ],
  };

  it('decodes a result with part, trigger, recipe and regions, and one without them', () => {
    const withPart = decode(uplinkSchemas.results, JSON.stringify({ session: 's', results: [part] }));
    expect(withPart.ok && withPart.value.results[0]?.part).toEqual({ id: 'P000123', from: 'code' });
    expect(withPart.ok && withPart.value.results[0]?.regions?.[1]?.verdict).toBe('defect');
    const plain = decode(uplinkSchemas.results, JSON.stringify({ session: 's', results: [result] }));
    expect(plain.ok && plain.value.results[0]?.part).toBeUndefined();
  });

  it('names the bad field of a part', () => {
    const bad = decode(
      uplinkSchemas.results,
      JSON.stringify({ session: 's', results: [{ ...part, part: { id: '', from: 'code' } }] }),
    );
    expect(!bad.ok && bad.error.message).toMatch(/results\[0\]\.part\.id/);
    const badFrom = decode(
      uplinkSchemas.results,
      JSON.stringify({ session: 's', results: [{ ...part, part: { id: 'x', from: 'guess' } }] }),
    );
    expect(!badFrom.ok && badFrom.error.message).toMatch(/results\[0\]\.part\.from/);
  });

  it('a recipe command names the recipe or its index', () => {
    expect(decode(Commands.recipe, '{"recipe":"plate-b"}').ok).toBe(true);
    expect(decode(Commands.recipe, '{"index":2}').ok).toBe(true);
    const none = decode(Commands.recipe, '{}');
    expect(!none.ok && none.error.message).toMatch(/name the recipe/);
    expect(decode(Commands.trigger, '{"camera":"cam0","part":"P7"}').ok).toBe(true);
  });
});

describe('depth limit', () => {
  it('refuses a payload nested deeper than MAX_JSON_DEPTH before parsing it, ignoring brackets in strings', () => {
    const detail = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const event = `{"ts":1,"kind":"disk_full","severity":"info","message":"m","detail":${detail}}`;
    const out = decode(uplinkSchemas.events, event);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.code).toBe('SL_PAYLOAD_TOO_DEEP');
    const brackets = `{"ts":1,"kind":"disk_full","severity":"info","message":"${'[{'.repeat(100)}\\\\"}`;
    expect(decode(uplinkSchemas.events, brackets).ok).toBe(true);
  });
});
