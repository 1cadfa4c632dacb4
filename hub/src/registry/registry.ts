import type { KeyObject } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelsError, type VerifiedBundle, verifyBundle } from '@sightline/models';
import { RegistryEntry } from '@sightline/protocol';
import type { Logger } from 'pino';
import { HubError } from '../errors.ts';
import { writeFileDurable } from '../rollout/durable.ts';
import type { BundleCheck } from './check.ts';

export interface Registry {
  /** Every uploaded model, newest upload first. */
  list(): RegistryEntry[];
  get(id: string, version: string): RegistryEntry | undefined;
  /** The bundle file of a registered model. */
  bundle(id: string, version: string): Promise<Uint8Array>;
  /**
   * Verifies a bundle against the trusted keys, loads it once and runs its golden images, and keeps it with
   * the outcome: `ready` (may be rolled out) or `rejected` (and why). A bundle that does not verify is
   * refused (SL_BUNDLE_REJECTED) and not kept; the same id and version with other bytes is a conflict.
   */
  upload(bytes: Uint8Array): Promise<RegistryEntry>;
}

const entryFile = 'entry.json';
const bundleFile = 'bundle.slb';

export async function openRegistry(o: {
  dir: string;
  trustedKeys: readonly KeyObject[];
  check: (bundle: VerifiedBundle) => Promise<BundleCheck>;
  log: Logger;
  now?: () => number;
}): Promise<Registry> {
  const now = o.now ?? Date.now;
  await mkdir(o.dir, { recursive: true });
  const entries = new Map<string, RegistryEntry>();
  const key = (id: string, version: string) => `${id}/${version}`;
  const folder = (id: string, version: string) => join(o.dir, id, version);
  for (const id of await readdir(o.dir)) {
    for (const version of await readdir(join(o.dir, id)).catch(() => [] as string[])) {
      const text = await readFile(join(folder(id, version), entryFile), 'utf8').catch(() => undefined);
      const parsed = text === undefined ? undefined : RegistryEntry.safeParse(JSON.parse(text));
      if (parsed?.success) entries.set(key(id, version), parsed.data);
      else o.log.warn({ id, version }, 'registry entry unreadable; upload the bundle again');
    }
  }

  const verify = (bytes: Uint8Array) => {
    if (o.trustedKeys.length === 0)
      throw new HubError(
        'SL_BUNDLE_REJECTED',
        'no trusted keys: set registry.trustedKeys to the public keys bundles are signed with',
      );
    try {
      return verifyBundle(bytes, o.trustedKeys, now());
    } catch (err) {
      if (err instanceof ModelsError) throw new HubError('SL_BUNDLE_REJECTED', `${err.code}: ${err.message}`);
      throw err;
    }
  };

  return {
    list: () => [...entries.values()].sort((a, b) => b.uploaded_ts - a.uploaded_ts),
    get: (id, version) => entries.get(key(id, version)),
    async bundle(id, version) {
      if (!entries.has(key(id, version)))
        throw new HubError(
          'SL_MODEL_NOT_FOUND',
          `no model ${id} ${version} in the registry; upload its bundle first`,
        );
      return new Uint8Array(await readFile(join(folder(id, version), bundleFile)));
    },
    async upload(bytes) {
      const bundle = verify(bytes);
      const { id, version } = bundle.header;
      const existing = entries.get(key(id, version));
      if (existing?.sha256 === bundle.sha256) return existing;
      if (existing) {
        throw new HubError(
          'SL_ROLLOUT_CONFLICT',
          `${id} ${version} is registered with other bytes (${existing.sha256.slice(0, 12)}…); give the new model a new version`,
        );
      }
      let selftest: BundleCheck | null = null;
      let reason: string | null = null;
      try {
        selftest = await o.check(bundle);
        if (!selftest.passed)
          reason = `golden images: largest score difference ${selftest.max_diff.toFixed(4)} exceeds ${bundle.golden.tolerance}`;
      } catch (err) {
        reason = `the model does not load in onnxruntime-node: ${(err as Error).message}`;
      }
      const entry: RegistryEntry = {
        id,
        version,
        sha256: bundle.sha256,
        bytes: bundle.bytes,
        model_sha256: bundle.manifest.sha256,
        key_id: bundle.keyId,
        created: bundle.header.created,
        expires: bundle.header.expires,
        uploaded_ts: now(),
        status: reason ? 'rejected' : 'ready',
        reason,
        selftest,
        task: bundle.manifest.task,
        threshold: bundle.manifest.threshold,
        evaluation: { ...bundle.manifest.evaluation },
      };
      await mkdir(folder(id, version), { recursive: true });
      await writeFileDurable(join(folder(id, version), bundleFile), bytes);
      await writeFileDurable(join(folder(id, version), entryFile), `${JSON.stringify(entry, null, 2)}\n`);
      entries.set(key(id, version), entry);
      o.log.info({ id, version, status: entry.status, reason }, `registry: ${id} ${version} ${entry.status}`);
      return entry;
    },
  };
}
