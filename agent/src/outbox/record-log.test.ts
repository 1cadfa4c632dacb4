import { describe, expect, it } from 'vitest';
import { encodeRecord, scanRecords } from './record-log.ts';

const rec = (text: string) => encodeRecord(Buffer.from(text));

describe('record log', () => {
  it('reads back what it wrote', () => {
    const buf = Buffer.concat([rec('{"a":1}'), rec('{"b":22}')]);
    const { records, validBytes } = scanRecords(buf);
    expect(records.map((r) => r.payload.toString())).toEqual(['{"a":1}', '{"b":22}']);
    expect(validBytes).toBe(buf.length);
  });

  it('stops at a torn last write', () => {
    const whole = Buffer.concat([rec('first'), rec('second')]);
    const torn = whole.subarray(0, whole.length - 3);
    const { records, validBytes } = scanRecords(torn);
    expect(records.map((r) => r.payload.toString())).toEqual(['first']);
    expect(validBytes).toBe(rec('first').length);
  });

  it('stops at a record whose checksum does not match', () => {
    const buf = Buffer.concat([rec('first'), rec('second'), rec('third')]);
    const at = rec('first').length + 9;
    buf.writeUInt8((buf.readUInt8(at) ^ 0xff) & 0xff, at);
    expect(scanRecords(buf).records.map((r) => r.payload.toString())).toEqual(['first']);
  });
});
