/** How much of a rejected payload is kept. */
export const DEAD_LETTER_PAYLOAD_BYTES = 4096;
/** Error texts are capped too: 1000 bad results would otherwise give a 100 KiB message. */
export const DEAD_LETTER_ERROR_CHARS = 4000;

export interface TruncatedPayload {
  text: string;
  encoding: 'utf8' | 'base64';
  /** Original size in bytes. */
  size: number;
  truncated: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Keeps the first `maxBytes` of a payload, as text when it is UTF-8 (cut on a character boundary). */
export function truncatePayload(
  payload: Uint8Array | string,
  maxBytes = DEAD_LETTER_PAYLOAD_BYTES,
): TruncatedPayload {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  const size = bytes.byteLength;
  const truncated = size > maxBytes;
  try {
    strictUtf8.decode(bytes);
  } catch {
    const head = bytes.subarray(0, Math.min(size, maxBytes));
    return {
      text: Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('base64'),
      encoding: 'base64',
      size,
      truncated,
    };
  }
  let end = Math.min(size, maxBytes);
  // Step back over UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && end < size && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: strictUtf8.decode(bytes.subarray(0, end)), encoding: 'utf8', size, truncated };
}

export function truncateError(error: string, maxChars = DEAD_LETTER_ERROR_CHARS): string {
  return error.length <= maxChars
    ? error
    : `${error.slice(0, maxChars)}… (${error.length - maxChars} more characters)`;
}
