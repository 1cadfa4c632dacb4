import { join } from 'node:path';
import { type AgentRef, agentKey } from '@sightline/protocol';

/** The image types a sample may be, and the extension its file gets. */
export const SAMPLE_TYPES = { 'image/jpeg': 'jpg', 'image/png': 'png' } as const;
export type SampleContentType = keyof typeof SAMPLE_TYPES;

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `<dir>/ab/abcdef….jpg`: 256 fan-out folders keep each directory small. */
export function samplePath(dir: string, sha256: string, type: SampleContentType): string {
  return join(dir, sha256.slice(0, 2), `${sha256}.${SAMPLE_TYPES[type]}`);
}

/** Relative form stored in the `samples` table, so the folder can move. */
export function sampleRelPath(sha256: string, type: SampleContentType): string {
  return `${sha256.slice(0, 2)}/${sha256}.${SAMPLE_TYPES[type]}`;
}

/**
 * Samples being assembled live under `<dir>/.partial/` (the dot keeps them apart from the two-hex
 * folders), one folder per sender and sha256: `site.line.agent.sha256`. Identifiers are
 * `[a-z0-9-]`, so the dots cannot be ambiguous.
 */
export const PARTIAL_DIR = '.partial';

export function partialName(ref: AgentRef, sha256: string): string {
  return `${ref.site}.${ref.line}.${ref.agent}.${sha256}`;
}

export function parsePartialName(name: string): { ref: AgentRef; sha256: string } | null {
  const [site, line, agent, sha256, ...rest] = name.split('.');
  if (!site || !line || !agent || !sha256 || rest.length > 0 || !SHA256_HEX.test(sha256)) return null;
  return { ref: { site, line, agent }, sha256 };
}

/** One partial per sender and image: two agents sending the same bytes assemble separately. */
export function partialKey(ref: AgentRef, sha256: string): string {
  return `${agentKey(ref)}/${sha256}`;
}

/** What the bytes are, from their magic numbers; null when neither JPEG nor PNG. */
export function sniffContentType(head: Uint8Array): SampleContentType | null {
  // JPEG: SOI marker FF D8 then the next marker's FF (ITU T.81, B.1.1.3).
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  // PNG: the 8-byte signature (RFC 2083, 3.1).
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.every((b, i) => head[i] === b)) return 'image/png';
  return null;
}
