import { describe, expect, it } from 'vitest';
import { paretoOf, toCsv } from './csv.ts';

describe('toCsv', () => {
  it('quotes cells holding commas, quotes or line breaks, and leaves empty cells for null', () => {
    const csv = toCsv(
      [
        { header: 'line', value: (r: { line: string; n: number | null }) => r.line },
        { header: 'n', value: (r) => r.n },
      ],
      [
        { line: 'a,b', n: 3 },
        { line: 'say "hi"', n: null },
      ],
    );
    expect(csv).toBe('line,n\r\n"a,b",3\r\n"say ""hi""",\r\n');
  });
});

describe('paretoOf', () => {
  it('sums classes over points, most first, with the cumulative share', () => {
    expect(
      paretoOf([
        { scratch: 3, dent: 1 },
        { scratch: 2, stain: 4 },
      ]),
    ).toEqual([
      { name: 'scratch', count: 5, share: 0.5, cumulative: 0.5 },
      { name: 'stain', count: 4, share: 0.4, cumulative: 0.9 },
      { name: 'dent', count: 1, share: 0.1, cumulative: 1 },
    ]);
  });
});
