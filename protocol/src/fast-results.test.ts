import { describe, expect, it } from 'vitest';
import { decode } from './codec.ts';
import { fastResultsBatch } from './fast-results.ts';
import { ResultsBatch } from './messages.ts';

/** A small seeded generator (mulberry32), so a failure names a seed that reproduces it. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SAMPLE_VALUES: unknown[] = [
  0,
  -1,
  1.5,
  2 ** 53,
  -0.0001,
  1e308,
  '',
  'x',
  'y'.repeat(65),
  'z'.repeat(129),
  'w'.repeat(513),
  true,
  false,
  null,
  [],
  {},
  ['ok'],
  { id: 'm' },
  'ok',
  'defect',
  'uncertain',
  'pilot',
  'live',
  'maybe',
  'code',
  'trigger',
  { id: 'm', version: '1' },
  { id: 'm', version: '1', extra: 1 },
  { id: 'p-1', from: 'code' },
  { capture: 1, preprocess: 2, infer: 3, total: 6 },
  { capture: -1, preprocess: 2, infer: 3, total: 6 },
  { capture: 1, preprocess: 2, infer: 3 },
  { a: 0.9 },
  [{ x: 1, y: 1, w: 2, h: 2 }],
  '__proto__',
];
const KEYS = [
  'seq',
  'ts',
  'frame',
  'camera',
  'model',
  'verdict',
  'score',
  'threshold',
  'latency',
  'image',
  'shadow',
  'replayed',
  'mode',
  'truth',
  'recipe',
  'part',
  'classes',
  'boxes',
  'live',
  'trigger',
  'regions',
  'unknown',
];

function validResult(next: () => number, seq: number): Record<string, unknown> {
  const r: Record<string, unknown> = {
    seq,
    ts: 1_700_000_000_000 + seq,
    frame: `f-${seq}`,
    model: { id: 'default', version: '1.0.0' },
    verdict: next() < 0.1 ? 'defect' : 'ok',
    score: next(),
    threshold: 0.5,
    latency: { capture: 1, preprocess: 2, infer: 3, total: 6 },
  };
  if (next() < 0.5) r.camera = 'cam0';
  if (next() < 0.3) r.truth = next() < 0.5 ? 'ok' : 'defect';
  if (next() < 0.3) r.mode = 'pilot';
  if (next() < 0.3) r.replayed = true;
  if (next() < 0.2) r.shadow = false;
  if (next() < 0.2) r.image = `img-${seq}`;
  if (next() < 0.2) r.recipe = 'plate-a';
  if (next() < 0.2) r.part = { id: `P${seq}`, from: 'trigger' };
  return r;
}

function mutate(next: () => number, r: Record<string, unknown>): void {
  const key = KEYS[Math.floor(next() * KEYS.length)] as string;
  const roll = next();
  if (roll < 0.2) delete r[key];
  else r[key] = structuredClone(SAMPLE_VALUES[Math.floor(next() * SAMPLE_VALUES.length)]);
}

describe('fastResultsBatch', () => {
  it('answers only where zod accepts, with what zod returns, over 20,000 generated batches', () => {
    let fast = 0;
    let zodOnly = 0;
    for (let seed = 1; seed <= 20_000; seed++) {
      const next = rng(seed);
      const results = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, i) => validResult(next, i));
      const mutations = next() < 0.3 ? 0 : 1 + Math.floor(next() * 3);
      for (let m = 0; m < mutations; m++) mutate(next, results[Math.floor(next() * results.length)] as never);
      const batch: Record<string, unknown> = { session: next() < 0.05 ? '' : 's-1', results };
      if (next() < 0.02) batch.extra = 1;
      const text = JSON.stringify(batch);
      const byZod = ResultsBatch.safeParse(JSON.parse(text));
      const byFast = fastResultsBatch(JSON.parse(text));
      if (byFast === undefined) {
        if (byZod.success) zodOnly++;
        continue;
      }
      fast++;
      if (!byZod.success) throw new Error(`seed ${seed}: fast path accepted what zod refuses: ${text}`);
      expect(byFast, `seed ${seed}`).toEqual(byZod.data);
    }
    // It must take the common shape, or it is no fast path at all.
    expect(fast).toBeGreaterThan(5_000);
    expect(zodOnly).toBeGreaterThan(0); // shapes it leaves to zod (classes, boxes, …) still decode
  });

  it('leaves refusals to zod, so errors still name the field', () => {
    const bad = JSON.stringify({
      session: 's',
      results: [
        {
          seq: 1,
          ts: 5,
          frame: 'f',
          model: { id: 'm', version: '1' },
          verdict: 'ok',
          score: 'high',
          threshold: 0.5,
          latency: { capture: 1, preprocess: 1, infer: 1, total: 3 },
        },
      ],
    });
    const decoded = decode(ResultsBatch, bad);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.message).toContain('results[0].score');
  });
});
