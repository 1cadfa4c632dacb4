import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelsError } from '../errors.ts';
import { parseManifest, sha256Hex } from '../manifest/load.ts';
import type { Manifest } from '../manifest/schema.ts';

export const SIGNATURE_FILE = 'model.sig';
export const SIGNATURE_FORMAT = 'sightline-ed25519-v1';
export const PRIVATE_KEY_FILE = 'signing-key.pem';
export const PUBLIC_KEY_FILE = 'signing-key.pub.pem';
const DOMAIN = 'sightline-model-signature-v1\n';

/** `model.sig`: which key signed, and the base64 Ed25519 signature over `signedMessage`. */
export interface ModelSignature {
  format: typeof SIGNATURE_FORMAT;
  keyId: string;
  signature: string;
}

/** First 16 hex digits of SHA-256 over the public key's SPKI DER: names a key in logs and `model.sig`. */
export function keyId(key: KeyObject | string): string {
  const pub =
    typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/**
 * The signed bytes: "sightline-model-signature-v1\n" + manifest.sha256 (64 hex) + "\n" + the exact bytes of
 * manifest.json. The manifest names the ONNX file and holds its SHA-256, so one signature covers both.
 */
export function signedMessage(manifestBytes: Uint8Array, manifestSha256: string): Buffer {
  return Buffer.concat([Buffer.from(`${DOMAIN}${manifestSha256}\n`, 'utf8'), manifestBytes]);
}

/** Writes a new Ed25519 key pair to `dir`: the private key (PKCS#8 PEM, mode 0600) and the public key (SPKI PEM). */
export async function generateSigningKey(
  dir: string,
): Promise<{ privateKeyPath: string; publicKeyPath: string; keyId: string }> {
  const privateKeyPath = join(dir, PRIVATE_KEY_FILE);
  const publicKeyPath = join(dir, PUBLIC_KEY_FILE);
  for (const p of [privateKeyPath, publicKeyPath]) {
    if (
      await access(p).then(
        () => true,
        () => false,
      )
    ) {
      throw new ModelsError(
        'SL_KEY_INVALID',
        `${p} exists; refusing to overwrite a signing key (move it away first)`,
      );
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  await mkdir(dir, { recursive: true });
  await writeFile(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
    flag: 'wx',
  });
  await writeFile(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }), { flag: 'wx' });
  return { privateKeyPath, publicKeyPath, keyId: keyId(publicKey) };
}

/** Reads manifest.json (validated) and checks the ONNX file against its SHA-256. */
async function readModel(dir: string): Promise<{ manifest: Manifest; manifestBytes: Uint8Array }> {
  const manifestPath = join(dir, 'manifest.json');
  const manifestBytes = await readFile(manifestPath).catch(() => {
    throw new ModelsError('SL_MANIFEST_NOT_FOUND', `${manifestPath} not found; is ${dir} a model directory?`);
  });
  let json: unknown;
  try {
    json = JSON.parse(manifestBytes.toString('utf8'));
  } catch (err) {
    throw new ModelsError(
      'SL_MANIFEST_INVALID',
      `${manifestPath} is not valid JSON: ${(err as Error).message}`,
    );
  }
  const manifest = parseManifest(json, manifestPath);
  const onnxPath = join(dir, manifest.file);
  const onnx = await readFile(onnxPath).catch(() => {
    throw new ModelsError('SL_MODEL_FILE_NOT_FOUND', `${onnxPath} (named by the manifest) not found`);
  });
  if (sha256Hex(onnx) !== manifest.sha256) {
    throw new ModelsError(
      'SL_MODEL_SHA_MISMATCH',
      `${onnxPath}: SHA-256 does not match the manifest; the model file was changed`,
    );
  }
  return { manifest, manifestBytes: new Uint8Array(manifestBytes) };
}

/** An Ed25519 private key from PEM; throws SL_KEY_INVALID saying what it is instead. */
export function ed25519PrivateKey(privateKeyPem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (err) {
    throw new ModelsError(
      'SL_KEY_INVALID',
      `signing key is not a PEM private key: ${(err as Error).message}`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ModelsError(
      'SL_KEY_INVALID',
      `signing key is ${key.asymmetricKeyType}, expected ed25519 (make one with \`keygen\`)`,
    );
  }
  return key;
}

/** Ed25519 public keys from PEM strings or KeyObjects (a private key yields its public half); others are dropped. */
export function ed25519PublicKeys(keys: ReadonlyArray<string | KeyObject>): KeyObject[] {
  return keys
    .map((k) => (typeof k === 'string' ? createPublicKey(k) : k.type === 'private' ? createPublicKey(k) : k))
    .filter((k) => k.asymmetricKeyType === 'ed25519');
}

/** Signs a model directory with an Ed25519 private key (PEM); writes and returns `DIR/model.sig`. */
export async function signModel(
  dir: string,
  privateKeyPem: string,
): Promise<ModelSignature & { path: string }> {
  const key = ed25519PrivateKey(privateKeyPem);
  const { manifest, manifestBytes } = await readModel(dir);
  const sig: ModelSignature = {
    format: SIGNATURE_FORMAT,
    keyId: keyId(key),
    signature: sign(null, signedMessage(manifestBytes, manifest.sha256), key).toString('base64'),
  };
  const path = join(dir, SIGNATURE_FILE);
  await writeFile(path, `${JSON.stringify(sig, null, 2)}\n`);
  return { ...sig, path };
}

/**
 * Checks `DIR/model.sig` against trusted Ed25519 public keys (PEM strings or KeyObjects): the ONNX file must
 * match the manifest's SHA-256 and the signature must verify over `signedMessage` with one trusted key.
 * Resolves with the verified manifest and the key id; throws ModelsError `SL_SIGNATURE_INVALID` otherwise.
 */
export async function verifyModelSignature(
  dir: string,
  trustedPublicKeys: ReadonlyArray<string | KeyObject>,
): Promise<{ manifest: Manifest; keyId: string }> {
  const sigPath = join(dir, SIGNATURE_FILE);
  const text = await readFile(sigPath, 'utf8').catch(() => {
    throw new ModelsError(
      'SL_SIGNATURE_INVALID',
      `${sigPath} not found: the model is unsigned; sign it with \`pnpm models sign\``,
    );
  });
  let sig: ModelSignature;
  try {
    sig = JSON.parse(text) as ModelSignature;
    if (sig.format !== SIGNATURE_FORMAT || typeof sig.signature !== 'string')
      throw new Error(`format is not ${SIGNATURE_FORMAT}`);
  } catch (err) {
    throw new ModelsError('SL_SIGNATURE_INVALID', `${sigPath} is malformed: ${(err as Error).message}`);
  }
  const { manifest, manifestBytes } = await readModel(dir).catch((err: unknown) => {
    if (err instanceof ModelsError && err.code === 'SL_MODEL_SHA_MISMATCH') {
      throw new ModelsError('SL_SIGNATURE_INVALID', `${dir}: ${err.message}`);
    }
    throw err;
  });
  const message = signedMessage(manifestBytes, manifest.sha256);
  const signature = Buffer.from(sig.signature, 'base64');
  for (const k of trustedPublicKeys) {
    const pub = typeof k === 'string' ? createPublicKey(k) : k;
    if (pub.asymmetricKeyType === 'ed25519' && verify(null, message, pub, signature)) {
      return { manifest, keyId: keyId(pub) };
    }
  }
  throw new ModelsError(
    'SL_SIGNATURE_INVALID',
    `${dir}: signature (key ${sig.keyId}) does not verify against any of ${trustedPublicKeys.length} trusted key(s); ` +
      'the model or manifest was changed after signing, or it was signed with an untrusted key',
  );
}
