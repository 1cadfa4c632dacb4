import { type KeyObject, sign, verify } from 'node:crypto';
import { ModelsError } from '../errors.ts';
import { ed25519PublicKeys, keyId, SIGNATURE_FORMAT } from '../sign/sign.ts';
import type { BundleSignature } from './format.ts';

const BUNDLE_DOMAIN = 'sightline-bundle-signature-v1\n';

/** The bytes a bundle signature covers: a domain tag, then the header exactly as stored. */
export function bundleSignedMessage(headerBytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(BUNDLE_DOMAIN, 'utf8'), headerBytes]);
}

export function signBundleHeader(headerBytes: Uint8Array, key: KeyObject): BundleSignature {
  return {
    format: SIGNATURE_FORMAT,
    keyId: keyId(key),
    signature: sign(null, bundleSignedMessage(headerBytes), key).toString('base64'),
  };
}

/**
 * The id of the trusted key the signature verifies with; throws SL_BUNDLE_UNTRUSTED naming the signing key
 * and the trusted ones otherwise (a changed header, or a key the agent was not given).
 */
export function checkBundleSignature(
  headerBytes: Uint8Array,
  signature: BundleSignature,
  trustedKeys: ReadonlyArray<string | KeyObject>,
): string {
  const keys = ed25519PublicKeys(trustedKeys);
  const message = bundleSignedMessage(headerBytes);
  const sig = Buffer.from(signature.signature, 'base64');
  for (const key of keys) if (verify(null, message, key, sig)) return keyId(key);
  const trusted = keys.map((k) => keyId(k)).join(', ') || 'none';
  throw new ModelsError(
    'SL_BUNDLE_UNTRUSTED',
    `bundle signature (key ${signature.keyId}) does not verify against the trusted keys (${trusted}): ` +
      (keys.some((k) => keyId(k) === signature.keyId)
        ? 'the bundle was changed after signing'
        : `key ${signature.keyId} is not trusted here; add its public key to the trusted keys if it is yours`),
  );
}
