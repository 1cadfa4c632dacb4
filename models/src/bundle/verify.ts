import type { KeyObject } from 'node:crypto';
import { ModelsError } from '../errors.ts';
import { parseManifest, sha256Hex } from '../manifest/load.ts';
import type { Manifest } from '../manifest/schema.ts';
import { type BundleSignature, type ParsedBundle, parseBundle } from './format.ts';
import { type BundleHeader, GOLDEN_FILE, GoldenSet } from './header.ts';
import { checkBundleSignature } from './signature.ts';

/** A bundle whose signature, file hashes, manifest and golden set all check out. */
export interface VerifiedBundle {
  header: BundleHeader;
  headerBytes: Uint8Array;
  signature: BundleSignature;
  manifest: Manifest;
  golden: GoldenSet;
  /** Key id of the trusted key that verified it. */
  keyId: string;
  files: Map<string, Uint8Array>;
  /** SHA-256 of the whole bundle file. */
  sha256: string;
  bytes: number;
}

const invalid = (what: string) => new ModelsError('SL_BUNDLE_INVALID', `bundle ${what}`);

function json(bytes: Uint8Array | undefined, name: string): unknown {
  if (!bytes) throw invalid(`has no ${name}`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw invalid(`${name} is not JSON: ${(err as Error).message}`);
  }
}

/** Every file matches the signed header, and the manifest and golden set agree with it. */
function checkContents(b: ParsedBundle): { manifest: Manifest; golden: GoldenSet } {
  const { header, files } = b;
  for (const f of header.files) {
    const got = sha256Hex(files.get(f.name) as Uint8Array);
    if (got !== f.sha256)
      throw invalid(
        `${header.id} ${header.version}: ${f.name} was changed after signing (SHA-256 ${got.slice(0, 12)}… ≠ ${f.sha256.slice(0, 12)}…)`,
      );
  }
  const manifest = parseManifest(json(files.get('manifest.json'), 'manifest.json'), 'bundle manifest.json');
  if (manifest.id !== header.id || manifest.version !== header.version)
    throw invalid(
      `header says ${header.id} ${header.version} but manifest.json says ${manifest.id} ${manifest.version}`,
    );
  if (
    manifest.file !== header.model.file ||
    manifest.sha256 !== header.model.sha256 ||
    !files.has(manifest.file)
  )
    throw invalid(`model file ${manifest.file} does not match the header's ${header.model.file}`);
  const parsed = GoldenSet.safeParse(json(files.get(GOLDEN_FILE), GOLDEN_FILE));
  if (!parsed.success) throw invalid(`${GOLDEN_FILE}: ${parsed.error.issues[0]?.message}`);
  for (const image of parsed.data.images)
    if (!files.has(image.file)) throw invalid(`golden image ${image.file} is missing`);
  return { manifest, golden: parsed.data };
}

/**
 * Checks a bundle file: structure, signature against the trusted Ed25519 keys (rotation: any of them),
 * every file's SHA-256 against the signed header, manifest and golden set, and expiry at `now`. Throws
 * ModelsError SL_BUNDLE_INVALID (malformed or changed), SL_BUNDLE_UNTRUSTED (no trusted key signed it) or
 * SL_BUNDLE_EXPIRED; each message names the bundle and what to do.
 */
export function verifyBundle(
  bytes: Uint8Array,
  trustedKeys: ReadonlyArray<string | KeyObject>,
  now = Date.now(),
): VerifiedBundle {
  const parsed = parseBundle(bytes);
  const keyId = checkBundleSignature(parsed.headerBytes, parsed.signature, trustedKeys);
  const { manifest, golden } = checkContents(parsed);
  const { header } = parsed;
  if (header.expires !== null && Date.parse(header.expires) < now) {
    throw new ModelsError(
      'SL_BUNDLE_EXPIRED',
      `bundle ${header.id} ${header.version} expired at ${header.expires}; sign a fresh bundle (sightline-models bundle --expires …)`,
    );
  }
  return { ...parsed, manifest, golden, keyId, sha256: sha256Hex(bytes), bytes: bytes.byteLength };
}
