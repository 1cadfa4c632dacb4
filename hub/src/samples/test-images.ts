import { createHash } from 'node:crypto';
import { type AgentRef, SAMPLE_CHUNK_BYTES, type SampleMeta, topics } from '@sightline/protocol';
import jpeg from 'jpeg-js';

/**
 * A real JPEG of seeded noise (noise barely compresses, so size follows the pixel count: about 2 bytes a
 * pixel at quality 90). Test support only.
 */
export function noiseJpeg(width: number, height: number, seed = 1): Uint8Array {
  const data = Buffer.alloc(width * height * 4);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    // xorshift32: fast, seeded, good enough to defeat compression.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = i % 4 === 3 ? 255 : state & 0xff;
  }
  return new Uint8Array(jpeg.encode({ width, height, data }, 90).data);
}

export const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function chunksOf(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += SAMPLE_CHUNK_BYTES) {
    out.push(bytes.subarray(at, at + SAMPLE_CHUNK_BYTES));
  }
  return out;
}

export function metaFor(bytes: Uint8Array, extra: Partial<SampleMeta> = {}): SampleMeta {
  return {
    sha256: sha256Of(bytes),
    bytes: bytes.byteLength,
    chunks: Math.ceil(bytes.byteLength / SAMPLE_CHUNK_BYTES),
    content_type: 'image/jpeg',
    ts: 1_700_000_000_000,
    ...extra,
  };
}

/** Every MQTT message of one sample, meta first: [topic, payload]. */
export function sampleMessages(ref: AgentRef, bytes: Uint8Array, meta = metaFor(bytes)) {
  const sha = meta.sha256;
  const parts: Array<[string, Uint8Array]> = [
    [topics.sample(ref, sha, 'meta'), new TextEncoder().encode(JSON.stringify(meta))],
  ];
  chunksOf(bytes).forEach((chunk, n) => {
    parts.push([topics.sample(ref, sha, n), chunk]);
  });
  return parts;
}
