/** mulberry32: a small seeded PRNG, so a failing fuzz input can be made again from its seed. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(0, 255)));
  return { next, int, pick, bytes };
}
export type Random = ReturnType<typeof seeded>;

/** Strings that have broken parsers, queries and UIs before. */
export const NASTY_STRINGS = [
  '',
  ' ',
  "' OR '1'='1",
  '"; DROP TABLE results; --',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '\uFFFF\uD800',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
  '${7*7}{{7*7}}',
  '__proto__',
  'constructor',
  '🦆'.repeat(50),
  'x'.repeat(70_000),
  '-1',
  '1e309',
  'NaN',
  'null',
  '[]',
  '{}',
  '9007199254740993',
  '2026-02-30T25:61:61Z',
];

/** Numbers at and past the edges JSON and JavaScript can carry. */
export const NASTY_NUMBERS = [
  '1e309',
  '-1e309',
  '1e-400',
  '9007199254740993',
  '-0',
  '1e300',
  '-1',
  '0.1e1',
  '123456789012345678901234567890',
];
