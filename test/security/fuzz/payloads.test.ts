import { describe, expect, it } from 'vitest';
import { KIND_WEIGHTS, payload, pickKind } from './payloads.ts';
import { seeded } from './random.ts';

describe('fuzz payloads', () => {
  it('are the same for the same seed, and cover every kind', () => {
    const a = seeded(7);
    const b = seeded(7);
    const kinds = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const k = pickKind(a);
      expect(pickKind(b)).toBe(k);
      kinds.add(k);
      expect(payload(k, 'results', a, 2048).equals(payload(k, 'results', b, 2048))).toBe(true);
    }
    expect([...kinds].sort()).toEqual(KIND_WEIGHTS.map(([k]) => k).sort());
  });

  it('makes what each kind promises', () => {
    const r = seeded(1);
    expect(() => JSON.parse(payload('truncated', 'results', r, 0).toString())).toThrow();
    const utf8 = payload('invalid-utf8', 'stats', r, 0);
    expect(
      new TextDecoder('utf-8', { fatal: true }).decode.bind(new TextDecoder('utf-8', { fatal: true }), utf8),
    ).toThrow();
    expect(payload('oversized', 'results', r, 2_000_000).length).toBeGreaterThan(2_000_000);
    expect(payload('pollution', 'events', r, 0).toString()).toContain('__proto__');
  });
});
