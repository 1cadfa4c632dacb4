import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelIdentity } from '@sightline/protocol';
import { z } from 'zod';
import { renameDurable, writeFileDurable } from './durable.ts';

export const SLOT_NAMES = ['a', 'b'] as const;
export type SlotName = (typeof SLOT_NAMES)[number];
/** A slot, or the factory model (the configured model directory, which is always there). */
export type SlotId = SlotName | 'factory';

const SlotContent = z.object({
  model: ModelIdentity,
  bundle: z.string().describe('SHA-256 of the bundle file in the slot'),
  keyId: z.string(),
  installedTs: z.number(),
});
export type SlotContent = z.infer<typeof SlotContent>;

const slotId = z.enum(['a', 'b', 'factory']);

/**
 * `pointer.json`: what each slot holds, which one runs, the one it replaced (last known good) and whether
 * the running one is on probation (with the starts counted, which the crash-loop check reads at boot). It is
 * only ever replaced whole (writeFileDurable), so a power cut leaves the old or the new pointer.
 */
export const Pointer = z.object({
  format: z.literal(1),
  slots: z.object({ a: SlotContent.nullable(), b: SlotContent.nullable() }),
  active: slotId,
  previous: slotId.nullable(),
  probation: z.object({ since: z.number(), boots: z.number().int().nonnegative() }).nullable(),
});
export type Pointer = z.infer<typeof Pointer>;

/**
 * `installed.json`, kept apart from the model folder (deleting models does not reset it): the highest version
 * installed per model id, below which a bundle needs a signed rollback order, and bundles that were rolled
 * back by the agent itself (crash loop, failed probation), which it will not take again.
 */
export const TrustRecord = z.object({
  highest: z.record(z.string(), z.string()),
  bad: z.array(z.object({ bundle: z.string(), model: z.string(), reason: z.string() })),
});
export type TrustRecord = z.infer<typeof TrustRecord>;

export const FACTORY_POINTER: Pointer = {
  format: 1,
  slots: { a: null, b: null },
  active: 'factory',
  previous: null,
  probation: null,
};

export interface ModelStore {
  readonly dir: string;
  readonly downloadDir: string;
  pointer(): Pointer;
  trust(): TrustRecord;
  slotPath(slot: SlotName): string;
  /** The slot a new model may be written to now: not the running one, nor the last good one during probation. */
  spare(): SlotName | null;
  /** The slot holding this bundle, if any. */
  holding(bundleSha: string): SlotName | null;
  writePointer(next: Pointer): Promise<void>;
  writeTrust(next: TrustRecord): Promise<void>;
  /**
   * Moves a verified bundle file into the spare slot: the pointer first forgets the slot, the file is renamed
   * in (atomic, synced), then the pointer records what the slot holds. A power cut at any point leaves the
   * running and last good models as they were. `afterRename` is the test failpoint between the two.
   */
  install(file: string, content: SlotContent, afterRename?: () => void): Promise<SlotName>;
}

async function readJson<T>(
  path: string,
  schema: z.ZodType<T>,
  fallback: T,
  onInvalid: (why: string) => void,
) {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return fallback;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    onInvalid(parsed.error.issues[0]?.message ?? 'invalid');
  } catch (err) {
    onInvalid((err as Error).message);
  }
  return fallback;
}

/** Opens (creating) the model folder `dir` and the trust record in `trustDir`. */
export async function openModelStore(opts: {
  dir: string;
  trustDir: string;
  onInvalid?: (file: string, why: string) => void;
}): Promise<ModelStore> {
  const { dir, trustDir } = opts;
  const downloadDir = join(dir, 'download');
  await mkdir(join(dir, 'slots'), { recursive: true });
  await mkdir(downloadDir, { recursive: true });
  await mkdir(trustDir, { recursive: true });
  const pointerPath = join(dir, 'pointer.json');
  const trustPath = join(trustDir, 'installed.json');
  const invalid = (file: string) => (why: string) => opts.onInvalid?.(file, why);
  let pointer = await readJson(pointerPath, Pointer, FACTORY_POINTER, invalid(pointerPath));
  let trust = await readJson(trustPath, TrustRecord, { highest: {}, bad: [] }, invalid(trustPath));
  const slotPath = (slot: SlotName) => join(dir, 'slots', `${slot}.slb`);

  const store: ModelStore = {
    dir,
    downloadDir,
    pointer: () => pointer,
    trust: () => trust,
    slotPath,
    spare() {
      const free = SLOT_NAMES.filter((s) => s !== pointer.active);
      const usable = free.filter((s) => !(pointer.probation && pointer.previous === s));
      return usable[0] ?? null;
    },
    holding(bundleSha) {
      return SLOT_NAMES.find((s) => pointer.slots[s]?.bundle === bundleSha) ?? null;
    },
    async writePointer(next) {
      await writeFileDurable(pointerPath, `${JSON.stringify(next, null, 2)}\n`);
      pointer = next;
    },
    async writeTrust(next) {
      await writeFileDurable(trustPath, `${JSON.stringify(next, null, 2)}\n`);
      trust = next;
    },
    async install(file, content, afterRename) {
      const slot = store.spare();
      if (!slot)
        throw new Error(
          'no spare slot: the last good model is still needed while the running one is on probation',
        );
      await store.writePointer({
        ...pointer,
        slots: { ...pointer.slots, [slot]: null },
        previous: pointer.previous === slot ? 'factory' : pointer.previous,
      });
      await renameDurable(file, slotPath(slot));
      afterRename?.();
      await store.writePointer({ ...pointer, slots: { ...pointer.slots, [slot]: content } });
      return slot;
    },
  };
  return store;
}
