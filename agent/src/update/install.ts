import type { KeyObject } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type VerifiedBundle, verifyBundle } from '@sightline/models';
import { compareVersions, type ModelDesired, type ModelStatus, type UpdatePhase } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { RaisedEvent } from '../report/events.ts';
import { readInstalled } from './boot.ts';
import type { BundleChannel } from './channel.ts';
import { checkVersion, UpdateRefused } from './checks.ts';
import { downloadBundle, fetchBundleMeta } from './download.ts';
import type { Failpoints } from './failpoint.ts';
import type { ModelStore, SlotName } from './store.ts';

/** What fetching and installing a bundle needs from the controller. */
export interface Installer {
  store: ModelStore;
  channel: BundleChannel;
  chunkWindow: number;
  keys: readonly KeyObject[];
  now(): number;
  log: Logger;
  failpoint: Failpoints;
  event(event: RaisedEvent): void;
  /** Runs `fn` while no other pointer change runs. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  enter(phase: UpdatePhase, more?: Partial<Pick<ModelStatus, 'progress' | 'error' | 'code'>>): void;
}

const aborted = (signal: AbortSignal) => {
  if (signal.aborted) throw Object.assign(new Error('superseded'), { name: 'AbortError' });
};

/** Partial downloads of other bundles: a superseded target's file is not kept forever. */
async function dropOtherDownloads(dir: string, keep: string) {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name !== `${keep}.part`) await rm(join(dir, name), { force: true });
  }
}

/**
 * The wanted model's bundle in a slot: the one already holding it, or downloaded (downloading), checked
 * (verifying: signature, hashes, expiry, the model asked for, the version rule) and moved into the spare
 * slot (writing). A bundle that fails its checks is deleted, so it is fetched anew if asked for again.
 */
export async function installBundle(
  c: Installer,
  want: ModelDesired,
  signal: AbortSignal,
): Promise<{ slot: SlotName; verified: VerifiedBundle }> {
  const bundle = want.bundle;
  if (!bundle)
    throw new UpdateRefused(
      'SL_MODEL_UNKNOWN',
      `${want.model.id} ${want.model.version} is not installed here and the hub named no bundle for it`,
    );
  const held = c.store.holding(bundle.sha256);
  if (held) return { slot: held, verified: await readInstalled(c.store, held, c.keys) };
  c.enter('downloading', { progress: 0 });
  await dropOtherDownloads(c.store.downloadDir, bundle.sha256);
  const meta = await fetchBundleMeta(c.channel, want.model, signal);
  if (meta.sha256 !== bundle.sha256) {
    throw new UpdateRefused(
      'SL_MODEL_MISMATCH',
      `the bundle published for ${want.model.id} ${want.model.version} is ${meta.sha256.slice(0, 12)}…, not the ${bundle.sha256.slice(0, 12)}… the hub asked for`,
    );
  }
  let reported = 0;
  const path = await downloadBundle({
    channel: c.channel,
    meta,
    dir: c.store.downloadDir,
    window: c.chunkWindow,
    signal,
    onProgress: (have, total) => {
      // Report every tenth or so, not every chunk.
      if (have === total || have - reported >= Math.max(1, total / 10)) {
        reported = have;
        c.enter('downloading', { progress: have / total });
      }
    },
    onBadChunk: (n, why) => {
      c.log.warn({ event: 'bundle_chunk_refused', chunk: n, why }, `bundle chunk ${n} refused: ${why}`);
      c.event({
        kind: 'model_refused',
        severity: 'warning',
        message: `bundle ${want.model.id} ${want.model.version}: chunk ${n} refused (${why}); asking for it again`,
        detail: { chunk: n, why, code: 'SL_BUNDLE_CHUNK_INVALID' },
      });
    },
    onHalf: () => c.failpoint('download'),
  });
  aborted(signal);
  c.enter('verifying');
  c.failpoint('verify');
  let verified: VerifiedBundle;
  try {
    verified = verifyBundle(new Uint8Array(await readFile(path)), c.keys, c.now());
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
  if (
    verified.manifest.sha256 !== want.model.sha256 ||
    verified.header.id !== want.model.id ||
    verified.header.version !== want.model.version
  ) {
    throw new UpdateRefused(
      'SL_MODEL_MISMATCH',
      `bundle holds ${verified.header.id} ${verified.header.version} (${verified.manifest.sha256.slice(0, 12)}…), not the ${want.model.id} ${want.model.version} asked for`,
    );
  }
  checkVersion(
    c.store.trust(),
    { ...want, model: { ...want.model, version: verified.header.version } },
    c.keys,
    c.now(),
  );
  aborted(signal);
  c.enter('writing');
  while (!c.store.spare()) {
    // The last good model is still needed while the running one is on probation.
    await new Promise((r) => setTimeout(r, 200));
    aborted(signal);
  }
  const slot = await c.exclusive(async () => {
    const s = await c.store.install(
      path,
      { model: want.model, bundle: verified.sha256, keyId: verified.keyId, installedTs: c.now() },
      () => c.failpoint('write'),
    );
    const trust = c.store.trust();
    const highest = trust.highest[want.model.id];
    if (highest === undefined || compareVersions(want.model.version, highest) > 0) {
      await c.store.writeTrust({
        ...trust,
        highest: { ...trust.highest, [want.model.id]: want.model.version },
      });
    }
    return s;
  });
  return { slot, verified };
}
