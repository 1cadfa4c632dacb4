import { crc32 } from 'node:zlib';

/** A record on disk: u32 payload length, u32 CRC-32 of the payload, then the payload (UTF-8 JSON). */
export const HEADER_BYTES = 8;

export function encodeRecord(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  payload.copy(out, HEADER_BYTES);
  return out;
}

export interface ScannedRecord {
  offset: number;
  /** Record length including its header. */
  length: number;
  payload: Buffer;
}

export interface ScanResult {
  records: ScannedRecord[];
  /** Bytes of valid records; anything after is a torn or corrupt tail. */
  validBytes: number;
}

/** Reads records until the end or the first torn/corrupt one (a crash mid-write leaves one at the tail). */
export function scanRecords(buf: Buffer, maxRecordBytes = 16 * 2 ** 20): ScanResult {
  const records: ScannedRecord[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= buf.length) {
    const len = buf.readUInt32LE(offset);
    if (len === 0 || len > maxRecordBytes || offset + HEADER_BYTES + len > buf.length) break;
    const payload = buf.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + len);
    if (crc32(payload) !== buf.readUInt32LE(offset + 4)) break;
    records.push({ offset, length: HEADER_BYTES + len, payload });
    offset += HEADER_BYTES + len;
  }
  return { records, validBytes: offset };
}
