import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMobileNetV2 } from '../backbone/mobilenet.ts';
import { loadModel } from '../manifest/load.ts';
import { createRng, type Rng } from '../synthetic/rng.ts';
import { plannedCandidates } from './compare.ts';
import { createFrameRunner } from './extract.ts';
import type { Head } from './head.ts';
import { readImage } from './image-folder.ts';
import { imageLogit, MAP_NAME, patchGraphBytes } from './patch.ts';
import { trainPatchSpec } from './patch-map.ts';
import { trainFromFolder } from './train-folder.ts';

const W = 96;
const H = 128;

/** A grainy surface; with `crack`, a thin dark segment whose outline (a thin quadrilateral) is returned. */
function surface(rng: Rng, crack: boolean): { data: Uint8Array; outline: number[] | null } {
  const data = new Uint8Array(W * H);
  const base = 150 + rng() * 30;
  for (let i = 0; i < data.length; i++) data[i] = Math.round(base + (rng() - 0.5) * 50);
  if (!crack) return { data, outline: null };
  const x0 = 40 + rng() * 16;
  const y0 = 20 + rng() * 70;
  const a = rng() * Math.PI;
  const len = 18 + rng() * 14;
  const [dx, dy] = [Math.cos(a), Math.sin(a)];
  for (let t = 0; t <= len; t += 0.5) {
    for (const o of [-1, 0, 1]) {
      const x = Math.round(x0 + dx * t - dy * o);
      const y = Math.round(y0 + dy * t + dx * o);
      if (x >= 0 && x < W && y >= 0 && y < H) data[y * W + x] = 40;
    }
  }
  const n = (x: number, y: number) => [x / W, y / H];
  const [x1, y1] = [x0 + dx * len, y0 + dy * len];
  const outline = [
    ...n(x0 + dy * 2, y0 - dx * 2),
    ...n(x1 + dy * 2, y1 - dx * 2),
    ...n(x1 - dy * 2, y1 + dx * 2),
    ...n(x0 - dy * 2, y0 + dx * 2),
  ];
  return { data, outline };
}

async function writeSplit(dir: string, split: string, seed: number, ok: number, defect: number) {
  const rng = createRng(seed);
  for (const d of ['ok', 'defect', 'labels']) await mkdir(join(dir, split, d), { recursive: true });
  for (let i = 0; i < ok + defect; i++) {
    const cls = i < ok ? 'ok' : 'defect';
    const s = surface(rng, cls === 'defect');
    const name = String(i).padStart(3, '0');
    await writeFile(
      join(dir, split, cls, `${name}.png`),
      encode({ width: W, height: H, data: s.data, channels: 1, depth: 8 }),
    );
    if (s.outline) await writeFile(join(dir, split, 'labels', `${name}.txt`), `0 ${s.outline.join(' ')}\n`);
  }
}

describe('candidates the data allows', () => {
  it('patch needs masks on at least 3 defect images and says how many have one; auto then leaves it out', () => {
    const frame = { width: 1, height: 1, channels: 1 as const, data: new Uint8Array(1) };
    const mask = { width: 1, height: 1, data: Uint8Array.of(1) };
    const ok = Array.from({ length: 5 }, () => ({ frame, label: 0 as const, mask: null }));
    const masked = Array.from({ length: 5 }, () => ({ frame, label: 1 as const, mask }));
    const bare = masked.map((s) => ({ ...s, mask: null }));
    expect(plannedCandidates([...ok, ...masked], 'auto')).toEqual({
      pooled: true,
      patch: true,
      finetune: true,
      anomaly: true,
    });
    expect(plannedCandidates([...ok, ...bare], 'auto')).toEqual({
      pooled: true,
      patch: false,
      finetune: false,
      anomaly: true,
    });
    expect(plannedCandidates(ok, 'auto')).toEqual({
      pooled: false,
      patch: false,
      finetune: false,
      anomaly: true,
    });
    expect(() => plannedCandidates([...ok, ...bare.slice(0, 3), ...masked.slice(0, 2)], 'patch')).toThrow(
      /2 of 5 have a non-empty one/,
    );
  });
});

describe('patch head on an image folder with outlines', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sl-patch-'));
    await writeSplit(dir, 'train', 11, 24, 12);
    await writeSplit(dir, 'val', 22, 16, 8);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('trains a per-location head that finds thin cracks, and its int8 twin keeps the ranking', async () => {
    const out = join(dir, 'out');
    const r = await trainFromFolder({
      data: dir,
      out,
      folds: 3,
      seed: 1,
      int8: true,
      width: W,
      augmentations: 0,
      head: 'patch',
    });
    expect(r.chosen.name).toBe('patch');
    expect(r.chosen.cv.aurocs).toHaveLength(3);
    expect(r.chosen.cv.mean).toBeGreaterThan(0.9);
    expect(r.cvInt8?.mean).toBeGreaterThan(0.85);
    const { manifest, bytes } = await loadModel(out);
    expect(manifest.input.shape).toEqual([1, 3, 128, 96]);
    expect(manifest.training?.precision).toBe('int8');
    expect(manifest.evaluation.n).toBe(24);
    expect(manifest.evaluation.auroc).toBeGreaterThan(0.9);
    // Platt scaling keeps the Sigmoid off its float32 ceiling: the threshold sits inside (0, 1), not at 1 − ε.
    expect(manifest.threshold).toBeGreaterThan(0.01);
    expect(manifest.threshold).toBeLessThan(0.99);
    // The patch head stayed float: Conv (1 channel) → AveragePool → GlobalMaxPool → Flatten → Sigmoid.
    const q = manifest.training?.quantization as { floatHead: number; fused: Record<string, number> };
    expect(q.floatHead).toBe(5);
    expect(q.fused.QLinearConv ?? 0).toBeGreaterThan(10);
    // The written int8 file scores what training reported for it.
    const runner = await createFrameRunner(bytes, manifest.input, manifest.output.name);
    const s = (await runner.run(await readImage(join(dir, 'val', 'defect', '016.png'))))[0] as number;
    await runner.release();
    expect(s).toBeCloseTo(r.finalVal[16] as number, 5);
    // The float graph computes what cross-validation computed in JS (imageLogit on the feature map).
    const backbone = await loadMobileNetV2();
    const spec = trainPatchSpec(manifest.input);
    const maps = await createFrameRunner(patchGraphBytes(backbone, spec), manifest.input, MAP_NAME);
    const fp32 = await createFrameRunner(r.fp32Bytes, manifest.input, manifest.output.name);
    for (const name of ['000.png', '020.png']) {
      const f = await readImage(join(dir, 'val', name === '000.png' ? 'ok' : 'defect', name));
      const z = imageLogit(r.chosen.head as Head, await maps.run(f), 128 / 8, 96 / 8);
      expect((await fp32.run(f))[0] as number).toBeCloseTo(1 / (1 + Math.exp(-z)), 4);
    }
    await maps.release();
    await fp32.release();
  });
});
