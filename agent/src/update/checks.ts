import type { KeyObject } from 'node:crypto';
import { ModelsError, verifyRollbackOrder } from '@sightline/models';
import { compareVersions, type ModelDesired, type ModelIdentity } from '@sightline/protocol';
import { AgentError, type AgentErrorCode } from '../errors.ts';
import type { TrustRecord } from './store.ts';

/** The agent will not take this model; `code` says why (reported in model/status and an event). */
export class UpdateRefused extends Error {
  override readonly name = 'UpdateRefused';
  constructor(
    readonly code: AgentErrorCode | ModelsError['code'],
    message: string,
    /** rolled-back: the agent itself rolled this model back before; refused: anything else. */
    readonly phase: 'refused' | 'rolled-back' = 'refused',
  ) {
    super(message);
  }
}

export const sameModel = (a: { id: string; version: string; sha256?: string }, b: typeof a) =>
  a.id === b.id &&
  a.version === b.version &&
  (a.sha256 === undefined || b.sha256 === undefined || a.sha256 === b.sha256);

const label = (m: { id: string; version: string }) => `${m.id} ${m.version}`;

/** Refuses a bundle the agent rolled back by itself (crash loop, failed probation). */
export function checkNotKnownBad(
  trust: TrustRecord,
  bundleSha: string | undefined,
  model: ModelIdentity,
): void {
  const bad = trust.bad.find((b) => b.bundle === bundleSha);
  if (bad) {
    throw new UpdateRefused(
      'SL_MODEL_KNOWN_BAD',
      `${label(model)} was rolled back on this agent before (${bad.reason}); build and roll out a new version`,
      'rolled-back',
    );
  }
}

/**
 * A model older than the highest installed version of its id needs a rollback order naming exactly it,
 * signed by a trusted key and not expired.
 */
export function checkVersion(
  trust: TrustRecord,
  desired: ModelDesired,
  keys: readonly KeyObject[],
  now: number,
): void {
  const { model } = desired;
  const highest = trust.highest[model.id];
  if (highest === undefined || compareVersions(model.version, highest) >= 0) return;
  const order = desired.rollback;
  const why = `${label(model)} is older than ${highest}, the highest installed on this agent`;
  if (!order)
    throw new UpdateRefused('SL_MODEL_DOWNGRADE', `${why}; a downgrade needs a signed rollback order`);
  try {
    verifyRollbackOrder(order, keys, now);
  } catch (err) {
    throw new UpdateRefused(
      'SL_MODEL_DOWNGRADE',
      `${why}, and its rollback order is void: ${(err as Error).message}`,
    );
  }
  if (!sameModel(order.model, model)) {
    throw new UpdateRefused(
      'SL_MODEL_DOWNGRADE',
      `${why}; the rollback order names ${label(order.model)} instead`,
    );
  }
}

/** A refusal for a bundle that failed verification, keeping its stable code. */
export function refusalOf(err: unknown): UpdateRefused | undefined {
  if (err instanceof UpdateRefused) return err;
  // A chunk that stayed damaged: the bundle on the broker is not the one signed.
  if (err instanceof AgentError && err.code === 'SL_BUNDLE_CHUNK_INVALID')
    return new UpdateRefused(err.code, err.message);
  if (err instanceof ModelsError && err.code.startsWith('SL_BUNDLE'))
    return new UpdateRefused(err.code, err.message);
  if (err instanceof ModelsError && err.code === 'SL_MANIFEST_INVALID')
    return new UpdateRefused('SL_BUNDLE_INVALID', err.message);
  return undefined;
}
