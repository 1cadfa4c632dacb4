import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AgentError } from '../errors.ts';

/** The trusted public keys: each entry a PEM file path or PEM text; a bad one stops start-up naming it. */
export async function loadTrustedKeys(entries: readonly string[]): Promise<KeyObject[]> {
  return Promise.all(
    entries.map(async (entry, i) => {
      const where = `update.trustedKeys[${i}]`;
      let pem = entry;
      if (!entry.includes('-----BEGIN')) {
        pem = await readFile(entry, 'utf8').catch((err: Error) => {
          throw new AgentError(
            'SL_CONFIG_INVALID',
            `${where}: cannot read ${entry} (${err.message}); give the path of a public key PEM file`,
          );
        });
      }
      try {
        const key = createPublicKey(pem);
        if (key.asymmetricKeyType !== 'ed25519')
          throw new Error(`a ${key.asymmetricKeyType} key, expected ed25519`);
        return key;
      } catch (err) {
        throw new AgentError(
          'SL_CONFIG_INVALID',
          `${where}: not an Ed25519 public key: ${(err as Error).message} (make one with \`sightline-models keygen\`)`,
        );
      }
    }),
  );
}
