import { describe, expect, it } from 'vitest';
import { csvCell, flatten, toCsv } from './csv.ts';

describe('CSV', () => {
  it('quotes what needs quoting and keeps spreadsheets from running formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"\n')).toBe('"say ""hi""\n"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(null)).toBe('');
  });
  it('flattens nested fields into dotted columns, the union of all rows', () => {
    expect(flatten({ a: 1, ci: [0.1, 0.2], c: { d: null } })).toEqual({ a: 1, ci: '0.1 0.2', 'c.d': null });
    expect(toCsv([{ a: 1 }, { b: { c: 2 } }])).toBe('a,b.c\r\n1,\r\n,2\r\n');
  });
});
