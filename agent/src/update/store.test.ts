import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openModelStore, type SlotContent } from './store.ts';

const content = (version: string, bundle: string): SlotContent => ({
  model: { id: 'm', version, sha256: 'a'.repeat(64) },
  bundle,
  keyId: 'k',
  installedTs: 1,
});

describe('model store (slots, pointer, trust record)', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sl-store-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));
  const open = () => openModelStore({ dir: join(root, 'models'), trustDir: join(root, 'trust') });

  it('starts on the factory model and installs into a spare slot, durably', async () => {
    const store = await open();
    expect(store.pointer()).toMatchObject({ active: 'factory', previous: null, probation: null });
    const file = join(store.downloadDir, 'x.part');
    await writeFile(file, 'bundle-1');
    const slot = await store.install(file, content('1', 'b1'));
    expect(slot).toBe('a');
    expect(await readFile(store.slotPath('a'), 'utf8')).toBe('bundle-1');
    // A new process sees the same pointer.
    const again = await open();
    expect(again.pointer().slots.a?.bundle).toBe('b1');
    expect(again.holding('b1')).toBe('a');
  });

  it('never offers the running slot, nor the last good one while the running one is on probation', async () => {
    const store = await open();
    await store.writePointer({
      format: 1,
      slots: { a: content('1', 'b1'), b: content('2', 'b2') },
      active: 'b',
      previous: 'a',
      probation: { since: 1, boots: 0 },
    });
    expect(store.spare()).toBeNull();
    await store.writePointer({ ...store.pointer(), probation: null });
    expect(store.spare()).toBe('a');
    // Installing over the last good slot first points "previous" at the factory model.
    const file = join(store.downloadDir, 'y.part');
    await writeFile(file, 'bundle-3');
    await store.install(file, content('3', 'b3'));
    expect(store.pointer()).toMatchObject({ active: 'b', previous: 'factory' });
    expect(store.pointer().slots.a?.bundle).toBe('b3');
  });

  it('a power cut between the rename and the pointer leaves the slot unused', async () => {
    const store = await open();
    const file = join(store.downloadDir, 'z.part');
    await writeFile(file, 'bundle-1');
    await expect(
      store.install(file, content('1', 'b1'), () => {
        throw new Error('power cut');
      }),
    ).rejects.toThrow('power cut');
    const after = await open();
    expect(after.pointer().slots.a).toBeNull();
    expect(after.pointer().active).toBe('factory');
  });

  it('an unreadable pointer falls back to the factory model and says so', async () => {
    const store = await open();
    await writeFile(join(store.dir, 'pointer.json'), '{"format":1,"active":');
    const problems: string[] = [];
    const after = await openModelStore({
      dir: join(root, 'models'),
      trustDir: join(root, 'trust'),
      onInvalid: (file) => problems.push(file),
    });
    expect(after.pointer().active).toBe('factory');
    expect(problems).toEqual([join(root, 'models', 'pointer.json')]);
  });
});
