import { createHash, pbkdf2, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

/**
 * scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, ~0.1-0.3 s on a line-side PC). Agent secrets are 256 random bits,
 * so no cost makes them guessable; the KDF keeps a copied credentials file from being replayed as-is and costs
 * each agent one derivation per hub start (verified secrets are remembered in memory, see credential-store.ts).
 */
const SCRYPT = { ln: 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

/** Random secrets and token parts: 32 bytes, base64url (43 characters, no padding). */
export const newSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** `$scrypt$ln=15,r=8,p=1$<salt>$<key>` (PHC string format, base64 without padding). */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, SCRYPT);
  const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${SCRYPT.ln},r=${SCRYPT.r},p=${SCRYPT.p}$${b64(salt)}$${b64(key)}`;
}

const SCRYPT_PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** True when `secret` derives `encoded`'s key; false for a malformed hash too (never throws on bad input). */
export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  const m = SCRYPT_PHC.exec(encoded);
  if (!m) return false;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ln < 10 || ln > 20 || r < 1 || p < 1) return false;
  const expected = Buffer.from(m[5] as string, 'base64');
  const key = await derive(secret, Buffer.from(m[4] as string, 'base64'), { ln, r, p }, expected.length);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

function derive(
  secret: string,
  salt: Buffer,
  { ln, r, p }: { ln: number; r: number; p: number },
  len = KEY_BYTES,
) {
  const N = 2 ** ln;
  // Node's default maxmem (32 MiB) is exactly 128·N·r for ln 15; leave room.
  return scryptAsync(secret, salt, len, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
}

/**
 * Mosquitto 2.0's password_file hash (`mosquitto_passwd`): `$7$<iterations>$<salt>$<key>`, PBKDF2-HMAC-SHA512,
 * 12-byte salt, 64-byte key, standard base64. Mosquitto derives it on every CONNECT in its single thread, so the
 * count stays modest (mosquitto_passwd itself uses 101); our secrets are random 256-bit values.
 */
export const MOSQUITTO_ITERATIONS = 10_000;

export async function mosquittoHash(secret: string, iterations = MOSQUITTO_ITERATIONS): Promise<string> {
  const salt = randomBytes(12);
  const key = await pbkdf2Async(secret, salt, iterations, 64, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const MOSQUITTO_7 = /^\$7\$(\d{1,7})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

export async function verifyMosquittoHash(secret: string, encoded: string): Promise<boolean> {
  const m = MOSQUITTO_7.exec(encoded);
  if (!m) return false;
  const expected = Buffer.from(m[3] as string, 'base64');
  const key = await pbkdf2Async(secret, Buffer.from(m[2] as string, 'base64'), Number(m[1]), 64, 'sha512');
  return expected.length === 64 && timingSafeEqual(key, expected);
}

/**
 * API tokens are looked up on every request, so they are stored as SHA-256 digests rather than through a KDF: a
 * token is 256 random bits, which no fast hash makes guessable (the practice of GitHub's and Stripe's keys).
 */
export const tokenDigest = (token: string) => createHash('sha256').update(token).digest('hex');

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
