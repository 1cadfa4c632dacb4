import { type KeyObject, sign, verify } from 'node:crypto';
import type { RollbackOrder } from '@sightline/protocol';
import { ModelsError } from '../errors.ts';
import { ed25519PublicKeys, keyId } from '../sign/sign.ts';

const ROLLBACK_DOMAIN = 'sightline-rollback-signature-v1\n';

/** JSON with object keys sorted at every level: the same order on every side of the wire. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function message(order: Omit<RollbackOrder, 'signature' | 'keyId'> & { keyId: string }): Buffer {
  return Buffer.from(ROLLBACK_DOMAIN + canonicalJson(order), 'utf8');
}

/** Signs a rollback order (everything but the signature, key id included). */
export function signRollbackOrder(
  order: Omit<RollbackOrder, 'signature' | 'keyId' | 'format'>,
  key: KeyObject,
): RollbackOrder {
  const unsigned = { ...order, format: 'sightline-rollback-v1' as const, keyId: keyId(key) };
  return { ...unsigned, signature: sign(null, message(unsigned), key).toString('base64') };
}

/** Throws SL_ROLLBACK_INVALID unless a trusted key signed the order and it has not expired at `now`. */
export function verifyRollbackOrder(
  order: RollbackOrder,
  trustedKeys: ReadonlyArray<string | KeyObject>,
  now = Date.now(),
): string {
  const { signature, ...unsigned } = order;
  const sig = Buffer.from(signature, 'base64');
  const key = ed25519PublicKeys(trustedKeys).find((k) => verify(null, message(unsigned), k, sig));
  if (!key) {
    throw new ModelsError(
      'SL_ROLLBACK_INVALID',
      `rollback order to ${order.model.id} ${order.model.version} (key ${order.keyId}) does not verify against the trusted keys`,
    );
  }
  if (order.expires < now) {
    throw new ModelsError(
      'SL_ROLLBACK_INVALID',
      `rollback order to ${order.model.id} ${order.model.version} expired at ${new Date(order.expires).toISOString()}`,
    );
  }
  return keyId(key);
}
