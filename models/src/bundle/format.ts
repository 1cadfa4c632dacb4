import { ModelsError } from '../errors.ts';
import { type BundleFile, BundleHeader } from './header.ts';

/**
 * The bundle file (`.slb`), one file so it can be chunked, hashed and resumed as a whole:
 *
 *   "SLBNDL01" | u32 BE header length | header JSON (signed) | u32 BE signature length | signature JSON
 *   | each file's bytes, in the header's order
 *
 * The header lists every file with its size and SHA-256, so the signature over the header covers them all.
 */
export const BUNDLE_MAGIC = 'SLBNDL01';
const MAX_HEADER_BYTES = 256 * 1024;

export interface BundleSignature {
  format: 'sightline-ed25519-v1';
  keyId: string;
  signature: string;
}

export interface ParsedBundle {
  header: BundleHeader;
  /** The header's exact bytes: what the signature covers. */
  headerBytes: Uint8Array;
  signature: BundleSignature;
  /** Each file's bytes (views into the bundle), by name. */
  files: Map<string, Uint8Array>;
}

const invalid = (what: string) =>
  new ModelsError(
    'SL_BUNDLE_INVALID',
    `bundle is malformed: ${what}; rebuild it with \`sightline-models bundle\``,
  );

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

/** Lays out a bundle file from its header bytes, signature and files (in the header's order). */
export function packBundle(
  headerBytes: Uint8Array,
  signature: BundleSignature,
  files: ReadonlyArray<{ file: BundleFile; bytes: Uint8Array }>,
): Uint8Array {
  const sig = new TextEncoder().encode(JSON.stringify(signature));
  const parts = [
    new TextEncoder().encode(BUNDLE_MAGIC),
    u32(headerBytes.byteLength),
    headerBytes,
    u32(sig.byteLength),
    sig,
    ...files.map((f) => f.bytes),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function json(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw invalid(`${what} is not JSON (${(err as Error).message})`);
  }
}

/** Splits a bundle file into header, signature and files; checks structure and sizes, not hashes or keys. */
export function parseBundle(bytes: Uint8Array): ParsedBundle {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (bytes.byteLength < 16 || magic !== BUNDLE_MAGIC)
    throw invalid(`it does not start with ${BUNDLE_MAGIC}`);
  const headerLength = view.getUint32(8);
  if (headerLength > MAX_HEADER_BYTES || 12 + headerLength + 4 > bytes.byteLength)
    throw invalid(`header length ${headerLength} does not fit`);
  const headerBytes = bytes.subarray(12, 12 + headerLength);
  const parsed = BundleHeader.safeParse(json(headerBytes, 'header'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`header ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  const header = parsed.data;
  const sigLength = view.getUint32(12 + headerLength);
  const sigStart = 16 + headerLength;
  if (sigLength > 4096 || sigStart + sigLength > bytes.byteLength)
    throw invalid(`signature length ${sigLength}`);
  const signature = json(bytes.subarray(sigStart, sigStart + sigLength), 'signature') as BundleSignature;
  if (
    signature?.format !== 'sightline-ed25519-v1' ||
    typeof signature.keyId !== 'string' ||
    typeof signature.signature !== 'string'
  )
    throw invalid('signature is not a sightline-ed25519-v1 signature');
  let at = sigStart + sigLength;
  const files = new Map<string, Uint8Array>();
  for (const f of header.files) {
    if (files.has(f.name)) throw invalid(`file ${f.name} is listed twice`);
    if (at + f.bytes > bytes.byteLength) throw invalid(`file ${f.name} runs past the end`);
    files.set(f.name, bytes.subarray(at, at + f.bytes));
    at += f.bytes;
  }
  if (at !== bytes.byteLength) throw invalid(`${bytes.byteLength - at} bytes follow the last file`);
  return { header, headerBytes, signature, files };
}
