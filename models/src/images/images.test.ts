import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImageFrame } from '../synthetic/frame.ts';
import { decodeImage, encodePng } from './decode.ts';
import { listLabelledImages, loadLabelledImages } from './load.ts';

const ramp = (w: number, h: number, c: 1 | 3): ImageFrame => ({
  width: w,
  height: h,
  channels: c,
  data: Uint8Array.from({ length: w * h * c }, (_, i) => (i * 7) % 256),
});

describe('decodeImage', () => {
  it('round-trips gray and BGR PNG exactly', () => {
    for (const c of [1, 3] as const) {
      const f = ramp(13, 7, c);
      expect(decodeImage(encodePng(f))).toEqual(f);
    }
  });

  it('reads binary and plain PGM, scaling 16-bit and odd maxval to 8 bits', () => {
    const p5 = new Uint8Array([...new TextEncoder().encode('P5\n# c\n3 2\n255\n'), 0, 10, 20, 30, 40, 255]);
    expect(decodeImage(p5)).toEqual({
      width: 3,
      height: 2,
      channels: 1,
      data: Uint8Array.of(0, 10, 20, 30, 40, 255),
    });
    const p5w = new Uint8Array([...new TextEncoder().encode('P5 2 1 65535\n'), 0xff, 0xff, 0x80, 0x00]);
    expect([...decodeImage(p5w).data]).toEqual([255, 128]);
    const p2 = new TextEncoder().encode('P2\n2 2\n15\n0 15\n5 10\n');
    expect([...decodeImage(p2).data]).toEqual([0, 255, 85, 170]);
  });

  it('decodes a gray JPEG to one channel and a colour JPEG to BGR', () => {
    const w = 16;
    const gray = new Uint8Array(w * w * 4);
    for (let i = 0; i < w * w; i++) gray.set([i % 200, i % 200, i % 200, 255], 4 * i);
    const g = decodeImage(new Uint8Array(jpeg.encode({ width: w, height: w, data: gray }, 95).data));
    expect(g.channels).toBe(1);
    expect(Math.abs((g.data[100] as number) - 100)).toBeLessThan(8);
    const red = new Uint8Array(w * w * 4);
    for (let i = 0; i < w * w; i++) red.set([220, 20, 20, 255], 4 * i);
    const c = decodeImage(new Uint8Array(jpeg.encode({ width: w, height: w, data: red }, 95).data));
    expect(c.channels).toBe(3);
    expect(c.data[2]).toBeGreaterThan(200); // R sits last in BGR
    expect(c.data[0]).toBeLessThan(40);
  });

  it('names the file when the bytes are not an image', () => {
    expect(() => decodeImage(new TextEncoder().encode('hello'), 'x.png')).toThrow(
      /x.png: not a JPEG, PNG, PGM or BMP/,
    );
  });
});

describe('loadLabelledImages', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  const tree = async (files: Record<string, ImageFrame>) => {
    const root = await mkdtemp(join(tmpdir(), 'sl-images-'));
    dirs.push(root);
    for (const [path, frame] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), encodePng(frame));
    }
    return root;
  };

  it('reads a flat ok/defect folder, labels by folder, ignores other files and masks beside images', async () => {
    const root = await tree({
      'ok/a.png': ramp(8, 8, 1),
      'defect/b.png': ramp(9, 8, 3),
      'defect/b_mask.png': ramp(9, 8, 1),
      'labels/c.png': ramp(8, 8, 1),
    });
    await writeFile(join(root, 'ok', 'notes.txt'), 'x');
    const images = await loadLabelledImages(root);
    expect(images.map((i) => [i.path.slice(root.length), i.label, i.frame.width])).toEqual([
      ['/ok/a.png', 0, 8],
      ['/defect/b.png', 1, 9],
    ]);
  });

  it('picks train/ or val/ in a split folder, both for "all"', async () => {
    const root = await tree({
      'train/ok/1.png': ramp(8, 8, 1),
      'train/defect/2.png': ramp(8, 8, 1),
      'val/ok/3.png': ramp(8, 8, 1),
    });
    expect((await listLabelledImages(root, { split: 'val' })).map((f) => f.path.slice(root.length))).toEqual([
      '/val/ok/3.png',
    ]);
    expect(await listLabelledImages(root, { split: 'train' })).toHaveLength(2);
    expect(await listLabelledImages(root)).toHaveLength(3);
  });

  it('explains the expected layout when nothing is found', async () => {
    const root = await tree({ 'other/x.png': ramp(8, 8, 1) });
    await expect(listLabelledImages(root)).rejects.toThrow(/no images found; expected .*ok\/\*\.png/);
    await expect(listLabelledImages(root, { split: 'train' })).rejects.toThrow(/has no train\/ folder/);
  });
});
