import { createHash } from 'node:crypto';
import { BUNDLE_CHUNK_BYTES, type BundleMeta } from '@sightline/protocol';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Cuts a bundle file into chunks for MQTT, with the meta message an agent checks them by (each chunk's and
 * the whole file's SHA-256). The chunks are views into `bytes`.
 */
export function chunkBundle(
  bytes: Uint8Array,
  model: { id: string; version: string },
  chunkBytes = BUNDLE_CHUNK_BYTES,
  now = Date.now(),
): { meta: BundleMeta; chunks: Uint8Array[] } {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += chunkBytes) chunks.push(bytes.subarray(at, at + chunkBytes));
  return {
    meta: {
      id: model.id,
      version: model.version,
      sha256: sha(bytes),
      bytes: bytes.byteLength,
      chunkBytes,
      chunks: chunks.map(sha),
      ts: now,
    },
    chunks,
  };
}
