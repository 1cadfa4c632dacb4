import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelDir, loadModel } from '@sightline/models';
import type { ModelIdentity } from '@sightline/protocol';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../config/index.ts';
import { createDecisionPolicy } from '../decide/index.ts';
import { loadActiveModel } from '../infer/active-model.ts';
import { type ActiveModel, createModelSlot } from '../infer/model-slot.ts';
import type { RaisedEvent } from '../report/events.ts';
import { rollBack } from './rollback.ts';
import { type ModelStore, openModelStore, type SlotId } from './store.ts';

const log = pino({ level: 'silent' });
const identity = (version: string): ModelIdentity => ({ id: 'default', version, sha256: `sha-${version}` });

/**
 * Going back after a failed probation, with the real default model in onnxruntime-node standing in for three
 * versions (one session shared: the identities are what the rollback decides on).
 */
describe('rollBack', () => {
  let root: string;
  let real: ActiveModel;
  const as = (version: string): ActiveModel => ({ ...real, identity: identity(version) });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sl-rollback-'));
    const config = parseAgentConfig({
      site: 'plant',
      line: 'line-1',
      agent: 'rb',
      stateDir: join(root, 'agent'),
      inference: { runtime: 'onnxruntime-node' },
      cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed: 1, width: 96, height: 96 } }],
    });
    real = await loadActiveModel(config, await loadModel(defaultModelDir()), log);
  }, 60_000);
  afterAll(async () => {
    await real?.engine.close();
    await rm(root, { recursive: true, force: true });
  });

  async function onProbation(dir: string): Promise<ModelStore> {
    const store = await openModelStore({ dir: join(root, dir), trustDir: join(root, dir, 'trust') });
    const slot = (version: string) => ({
      model: identity(version),
      bundle: `bundle-${version}`,
      keyId: 'k',
      installedTs: 1,
    });
    // 3.0.0 (slot b) was the last good model; 4.0.0 (slot a) went live and is on probation.
    await store.writePointer({
      format: 1,
      slots: { a: slot('4.0.0'), b: slot('3.0.0') },
      active: 'a',
      previous: 'b',
      probation: { since: 1, boots: 0 },
    });
    return store;
  }

  async function run(store: ModelStore, spare: ActiveModel) {
    const models = createModelSlot(as('4.0.0'));
    await models.setSpare(spare);
    const loaded: SlotId[] = [];
    const events: RaisedEvent[] = [];
    await rollBack(
      {
        store,
        models,
        shadow: { plan: () => undefined } as never,
        probation: { stop: () => undefined },
        loadSlot: async (slot) => {
          loaded.push(slot);
          return as(slot === 'b' ? '3.0.0' : 'unexpected');
        },
        modelIn: (slot) => store.pointer().slots[slot as 'a' | 'b']?.model ?? identity('factory'),
        policy: createDecisionPolicy({ defect: 0.5, uncertainBand: 0 }),
        previousThresholds: undefined,
        event: (e) => events.push(e),
        log,
        enter: () => undefined,
      },
      'SL_PROBATION_FAILED',
      '12 of 20 frames failed during probation',
    );
    return { models, loaded, events };
  }

  it('runs the last good model kept in the spare slot, without loading it again', async () => {
    const store = await onProbation('kept');
    const { models, loaded, events } = await run(store, as('3.0.0'));
    expect(models.current().identity.version).toBe('3.0.0');
    expect(loaded).toEqual([]);
    expect(store.pointer()).toMatchObject({ active: 'b', previous: null, probation: null });
    expect(store.trust().bad.map((b) => b.bundle)).toEqual(['bundle-4.0.0']);
    expect(events.map((e) => e.kind)).toEqual(['model_rolled_back']);
  });

  it('loads the last good model from its slot when a newer candidate took the spare slot meanwhile', async () => {
    const store = await onProbation('raced');
    const { models, loaded } = await run(store, as('5.0.0'));
    // What runs is what the pointer names: 3.0.0 from slot b, not the candidate that happened to be loaded.
    expect(models.current().identity.version).toBe('3.0.0');
    expect(loaded).toEqual(['b']);
    expect(models.spare()).toBeUndefined();
    expect(store.pointer()).toMatchObject({ active: 'b', previous: null, probation: null });
  });
});
