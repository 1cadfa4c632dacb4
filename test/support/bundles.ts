import { generateKeyPairSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hub } from '@sightline/hub';
import { createPartStream } from '@sightline/models';
import { buildBundle, writeModelVariant } from '@sightline/models/tooling';
import type { ModelIdentity, RegistryEntry, Rollout, RolloutSpecInput } from '@sightline/protocol';
import { apiFetch } from './credentials.ts';

export interface KeyFiles {
  privatePem: string;
  privatePath: string;
  publicPath: string;
}

/** An Ed25519 key pair written to `dir/name.pem` and `dir/name.pub.pem`. */
export async function writeKeyPair(dir: string, name: string): Promise<KeyFiles> {
  await mkdir(dir, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const privatePath = join(dir, `${name}.pem`);
  const publicPath = join(dir, `${name}.pub.pem`);
  await writeFile(privatePath, privatePem, { mode: 0o600 });
  await writeFile(publicPath, publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return { privatePem, privatePath, publicPath };
}

/** A signed bundle of the default model as `version`, or of a constant-score variant (a model that disagrees). */
export async function makeBundle(
  dir: string,
  key: KeyFiles,
  opts: { version: string; constantScore?: number },
): Promise<{ bytes: Uint8Array; identity: ModelIdentity; sha256: string }> {
  const modelDir = join(dir, `model-${opts.version}`);
  const manifest = await writeModelVariant(modelDir, opts);
  const parts = createPartStream({ seed: 7, defectRate: 0.5 });
  const built = await buildBundle({
    modelDir,
    privateKeyPem: key.privatePem,
    golden: [0, 1, 2, 3].map(() => ({ frame: parts.next().frame })),
    expires: new Date(Date.now() + 86_400_000),
  });
  return {
    bytes: built.bytes,
    sha256: built.sha256,
    identity: { id: manifest.id, version: manifest.version, sha256: manifest.sha256 },
  };
}

export async function upload(hub: Hub, bytes: Uint8Array): Promise<RegistryEntry> {
  const res = await apiFetch(hub, '/api/models', {
    method: 'POST',
    body: new Uint8Array(bytes),
    headers: { 'content-type': 'application/octet-stream' },
  });
  return (await res.json()) as RegistryEntry;
}

export async function startRollout(hub: Hub, spec: RolloutSpecInput): Promise<Rollout> {
  const res = await apiFetch(hub, '/api/rollouts', {
    method: 'POST',
    body: JSON.stringify(spec),
    headers: { 'content-type': 'application/json' },
  });
  const body = (await res.json()) as Rollout & { error?: { message: string } };
  if (!res.ok) throw new Error(`rollout refused: ${body.error?.message}`);
  return body;
}

export const getRollout = async (hub: Hub, id: string) =>
  (await (await apiFetch(hub, `/api/rollouts/${id}`)).json()) as Rollout;

/** Publishes a bundle's chunks and meta retained, as the hub's registry does (for tests without a rollout). */
export async function publishBundle(
  client: import('mqtt').MqttClient,
  bytes: Uint8Array,
  model: { id: string; version: string },
  chunkBytes = 64 * 1024,
): Promise<void> {
  const { chunkBundle } = await import('@sightline/models');
  const { encode, BundleMeta, topics } = await import('@sightline/protocol');
  const { meta, chunks } = chunkBundle(bytes, model, chunkBytes);
  for (const [n, c] of chunks.entries())
    await client.publishAsync(topics.bundleChunk(model.id, model.version, n), Buffer.from(c), {
      qos: 1,
      retain: true,
    });
  await client.publishAsync(topics.bundleMeta(model.id, model.version), encode(BundleMeta, meta), {
    qos: 1,
    retain: true,
  });
}
