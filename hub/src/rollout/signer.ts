import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ed25519PrivateKey, keyId, signRollbackOrder } from '@sightline/models';
import type { ModelIdentity, RollbackOrder } from '@sightline/protocol';
import type { Logger } from 'pino';
import { HubError } from '../errors.ts';
import { writeFileDurable } from './durable.ts';

/** How long a rollback order stays valid: long enough for an agent that is away for a while. */
const ORDER_LIFETIME_MS = 30 * 24 * 3_600_000;

/**
 * Signs rollback orders with the hub's Ed25519 key: the configured one, or one made on first start in
 * `fallbackFile` (its public key is logged: agents must trust it to accept a rollback).
 */
export async function openRollbackSigner(o: { keyFile?: string; fallbackFile: string; log: Logger }) {
  let key: KeyObject;
  const path = o.keyFile ?? o.fallbackFile;
  const pem = await readFile(path, 'utf8').catch(() => undefined);
  if (pem !== undefined) {
    try {
      key = ed25519PrivateKey(pem);
    } catch (err) {
      throw new HubError('SL_ROLLOUT_KEY', `rollout.signingKey ${path}: ${(err as Error).message}`);
    }
  } else if (o.keyFile) {
    throw new HubError(
      'SL_ROLLOUT_KEY',
      `rollout.signingKey ${o.keyFile} cannot be read; give an Ed25519 private key (sightline-models keygen)`,
    );
  } else {
    key = generateKeyPairSync('ed25519').privateKey;
    await writeFileDurable(path, key.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
  }
  const publicPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  o.log.info(
    { keyId: keyId(key), publicKey: publicPem },
    'rollback orders are signed with this key; agents need its public key in update.trustedKeys to accept a rollback',
  );
  return {
    keyId: keyId(key),
    publicPem,
    sign(model: ModelIdentity, reason: string, rollout: string, now: number): RollbackOrder {
      return signRollbackOrder(
        { model, reason, rollout, issued: now, expires: now + ORDER_LIFETIME_MS },
        key,
      );
    },
  };
}

export type RollbackSigner = Awaited<ReturnType<typeof openRollbackSigner>>;
