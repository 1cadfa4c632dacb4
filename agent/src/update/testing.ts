// Test support: signed bundles of the default model (or a variant) and publishing them as the hub does.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { chunkBundle, createPartStream } from '@sightline/models';
import { buildBundle, writeModelVariant } from '@sightline/models/tooling';
import { type BundleMeta, encode, BundleMeta as MetaSchema, topics } from '@sightline/protocol';

export interface TestKey {
  privateKey: KeyObject;
  privatePem: string;
  publicPem: string;
}

export function testKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A signed bundle of the default model as `version` (or a constant-score variant), with 3 golden images. */
export async function testBundle(
  root: string,
  key: TestKey,
  opts: { version: string; constantScore?: number; expires?: Date | null },
) {
  const dir = join(root, `model-${opts.version}`);
  const manifest = await writeModelVariant(dir, opts);
  const parts = createPartStream({ seed: 11, defectRate: 0.5, width: 96, height: 96 });
  const built = await buildBundle({
    modelDir: dir,
    privateKeyPem: key.privatePem,
    golden: [0, 1, 2].map(() => ({ frame: parts.next().frame })),
    expires: opts.expires === undefined ? new Date(Date.now() + 86_400_000) : opts.expires,
  });
  return {
    ...built,
    manifest,
    identity: { id: manifest.id, version: manifest.version, sha256: manifest.sha256 },
  };
}

export type Publish = (topic: string, payload: Buffer, retain: boolean) => Promise<void>;

/** Publishes a bundle's meta and chunks, retained, as the hub's registry does. */
export async function publishTestBundle(
  publish: Publish,
  bytes: Uint8Array,
  model: { id: string; version: string },
  chunkBytes = 64 * 1024,
): Promise<BundleMeta> {
  const { meta, chunks } = chunkBundle(bytes, model, chunkBytes);
  for (const [n, c] of chunks.entries())
    await publish(topics.bundleChunk(model.id, model.version, n), Buffer.from(c), true);
  await publish(topics.bundleMeta(model.id, model.version), Buffer.from(encode(MetaSchema, meta)), true);
  return meta;
}
