import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActiveModel } from '../infer/model-slot.ts';
import { bootActiveModel } from './boot.ts';
import { openModelStore, type SlotContent, type SlotId } from './store.ts';

const content = (version: string, bundle: string): SlotContent => ({
  model: { id: 'm', version, sha256: 'a'.repeat(64) },
  bundle,
  keyId: 'k',
  installedTs: 1,
});
const fakeModel = (slot: SlotId) =>
  ({ identity: { id: 'm', version: slot, sha256: '' } }) as unknown as ActiveModel;

describe('boot: which model runs after a restart', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sl-boot-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));
  const open = () => openModelStore({ dir: join(root, 'models'), trustDir: join(root, 'trust') });
  const log = pino({ level: 'silent' });

  it('counts starts during probation and restores the last good model after maxBoots (crash loop)', async () => {
    const store = await open();
    await store.writePointer({
      format: 1,
      slots: { a: content('1', 'good'), b: content('2', 'bad') },
      active: 'b',
      previous: 'a',
      probation: { since: 1, boots: 0 },
    });
    const loaded: SlotId[] = [];
    const boot = async () => {
      const s = await open();
      return bootActiveModel({
        store: s,
        maxBoots: 2,
        log,
        load: async (slot) => {
          loaded.push(slot);
          return fakeModel(slot);
        },
      });
    };
    expect((await boot()).notes).toEqual([]);
    expect((await boot()).notes).toEqual([]);
    const third = await boot();
    expect(loaded).toEqual(['b', 'b', 'a']);
    expect(third.notes).toEqual([
      expect.objectContaining({
        code: 'SL_PROBATION_FAILED',
        model: expect.objectContaining({ version: '2' }),
      }),
    ]);
    const after = await open();
    expect(after.pointer()).toMatchObject({ active: 'a', previous: null, probation: null });
    expect(after.trust().bad.map((b) => b.bundle)).toEqual(['bad']);
  });

  it('falls back to the last good slot, then the factory model, when a slot does not load', async () => {
    const store = await open();
    await store.writePointer({
      format: 1,
      slots: { a: content('1', 'rotten'), b: content('2', 'gone') },
      active: 'b',
      previous: 'a',
      probation: null,
    });
    const r = await bootActiveModel({
      store,
      maxBoots: 3,
      log,
      load: async (slot) => {
        if (slot !== 'factory') throw new Error(`slot ${slot} does not verify`);
        return fakeModel(slot);
      },
    });
    expect(r.model.identity.version).toBe('factory');
    expect(r.notes.map((n) => n.code)).toEqual(['SL_MODEL_LOAD_FAILED', 'SL_MODEL_LOAD_FAILED']);
    expect(store.pointer().active).toBe('factory');
  });
});
