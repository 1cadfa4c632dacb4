import { describe, expect, it } from 'vitest';
import { truncateError, truncatePayload } from './dead-letter.ts';

describe('truncatePayload', () => {
  it('keeps a short UTF-8 payload whole', () => {
    expect(truncatePayload('{"a":1}')).toEqual({
      text: '{"a":1}',
      encoding: 'utf8',
      size: 7,
      truncated: false,
    });
  });

  it('cuts long text at 4 KiB and records the original size', () => {
    const t = truncatePayload('x'.repeat(10_000));
    expect(t.text).toBe('x'.repeat(4096));
    expect(t).toMatchObject({ encoding: 'utf8', size: 10_000, truncated: true });
  });

  it('never splits a multi-byte character', () => {
    // 'é' is 2 bytes: 4095 ASCII bytes then 'é' straddles the 4096 boundary.
    const t = truncatePayload(`${'a'.repeat(4095)}éé`);
    expect(t.text).toBe('a'.repeat(4095));
    expect(t.size).toBe(4095 + 4);
  });

  it('stores bytes that are not UTF-8 as base64', () => {
    const bytes = new Uint8Array(5000).fill(0xff);
    const t = truncatePayload(bytes);
    expect(t.encoding).toBe('base64');
    expect(Buffer.from(t.text, 'base64')).toEqual(Buffer.alloc(4096, 0xff));
    expect(t).toMatchObject({ size: 5000, truncated: true });
  });
});

describe('truncateError', () => {
  it('caps long errors and says how much was cut', () => {
    expect(truncateError('e'.repeat(10), 4)).toBe('eeee… (6 more characters)');
    expect(truncateError('short')).toBe('short');
  });
});
