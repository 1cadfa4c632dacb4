import { MAX_SAMPLE_BYTES, SAMPLE_CHUNK_BYTES, type SampleMeta } from '@sightline/protocol';

/** Chunk indexes a sample may use at most. */
export const MAX_SAMPLE_CHUNKS = Math.ceil(MAX_SAMPLE_BYTES / SAMPLE_CHUNK_BYTES);

/** Why a valid SampleMeta still cannot describe the sample its topic names; null when it can. */
export function metaProblem(meta: SampleMeta, topicSha256: string): string | null {
  if (meta.sha256 !== topicSha256) {
    return `meta.sha256 ${meta.sha256} differs from the topic's ${topicSha256}; publish the meta on .../samples/{its sha256}/meta`;
  }
  const chunks = Math.ceil(meta.bytes / SAMPLE_CHUNK_BYTES);
  if (meta.chunks !== chunks) {
    return `meta.chunks is ${meta.chunks} but ${meta.bytes} bytes are ${chunks} chunks of ${SAMPLE_CHUNK_BYTES} bytes`;
  }
  return null;
}

/** Size chunk n must have: full chunks, then the remainder. */
export function expectedChunkSize(meta: SampleMeta, n: number): number {
  return n < meta.chunks - 1 ? SAMPLE_CHUNK_BYTES : meta.bytes - (meta.chunks - 1) * SAMPLE_CHUNK_BYTES;
}

/** Why chunk n of `size` bytes does not fit; null when it does. Without meta only the bounds are known. */
export function chunkProblem(meta: SampleMeta | undefined, n: number, size: number): string | null {
  if (n >= MAX_SAMPLE_CHUNKS) return `chunk ${n} is beyond the largest sample (${MAX_SAMPLE_CHUNKS} chunks)`;
  if (size === 0 || size > SAMPLE_CHUNK_BYTES) {
    return `chunk ${n} is ${size} bytes; chunks are 1-${SAMPLE_CHUNK_BYTES} bytes`;
  }
  if (!meta) return null;
  if (n >= meta.chunks) return `chunk ${n} is beyond meta.chunks (${meta.chunks})`;
  const expected = expectedChunkSize(meta, n);
  if (size !== expected) {
    return `chunk ${n} is ${size} bytes; expected ${expected} (meta.bytes ${meta.bytes} in chunks of ${SAMPLE_CHUNK_BYTES})`;
  }
  return null;
}

/** Same sample description (a redelivered meta); zod's output has a fixed key order. */
export function sameMeta(a: SampleMeta, b: SampleMeta): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
