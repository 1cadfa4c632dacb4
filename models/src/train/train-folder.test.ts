import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../manifest/load.ts';
import { createPartStream } from '../synthetic/stream.ts';
import { createFrameRunner } from './extract.ts';
import { readImage } from './image-folder.ts';
import { trainFromFolder } from './train-folder.ts';

/** Writes seeded synthetic parts as gray PNGs into dir/{split}/{ok,defect}/. */
async function writeParts(dir: string, split: string, seed: number, n: number, defectRate: number) {
  const stream = createPartStream({
    seed,
    defectRate,
    width: 128,
    height: 128,
    kinds: ['spot', 'missing-feature'],
  });
  for (const cls of ['ok', 'defect']) await mkdir(join(dir, split, cls), { recursive: true });
  for (let i = 0; i < n; i++) {
    const p = stream.next();
    const png = encode({ width: 128, height: 128, data: p.frame.data, channels: 1, depth: 8 });
    await writeFile(join(dir, split, p.truth, `${String(i).padStart(3, '0')}.png`), png);
  }
}

describe('train on an image folder (synthetic parts as PNG files)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sl-train-'));
    await writeParts(dir, 'train', 101, 120, 0.5);
    await writeParts(dir, 'val', 202, 60, 0.5);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a loadable model + manifest that separates fresh defective parts from good ones', async () => {
    const out = join(dir, 'out');
    const r = await trainFromFolder({
      data: dir,
      out,
      folds: 3,
      seed: 1,
      int8: false,
      width: 96,
      augmentations: 1,
      head: 'pooled',
    });
    const { manifest, bytes } = await loadModel(out);
    expect(manifest.input.shape).toEqual([1, 3, 96, 96]);
    expect(manifest.input.colour).toBe('rgb');
    expect(manifest.evaluation.n).toBe(60);
    expect(manifest.evaluation.auroc).toBeGreaterThan(0.85);
    expect(r.comparison.candidates.map((c) => c.name)).toEqual(['pooled']);
    expect(r.chosen.cv.aurocs).toHaveLength(3);
    // The written file scores a decoded image the same as training's evaluation did.
    const runner = await createFrameRunner(bytes, manifest.input, manifest.output.name);
    const frame = await readImage(
      join(dir, 'val', 'defect', readdirSync(join(dir, 'val', 'defect'))[0] as string),
    );
    const s = (await runner.run(frame))[0] as number;
    await runner.release();
    expect(s).toBeGreaterThanOrEqual(0);
    expect(s).toBeLessThanOrEqual(1);
  });

  it('says what is missing in a wrong layout', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'sl-train-empty-'));
    await mkdir(join(empty, 'ok'));
    await expect(
      trainFromFolder({
        data: empty,
        out: join(empty, 'o'),
        folds: 3,
        seed: 1,
        int8: false,
        width: 96,
        augmentations: 0,
      }),
    ).rejects.toMatchObject({
      code: 'SL_DATASET_INVALID',
      message: expect.stringMatching(/defect: missing/),
    });
    await rm(empty, { recursive: true, force: true });
  });
});
