import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../images/decode.ts';
import { cellCoverage } from './coverage.ts';
import { findMask } from './find.ts';
import { maskArea, maskFromFrame, rasterizeOutlines } from './mask.ts';
import { parseOutlines } from './outlines.ts';

/** A 24-bit or 8-bit (gray palette) bottom-up BMP of w×h gray values. */
function bmp(w: number, h: number, px: number[], bits: 8 | 24): Uint8Array {
  const stride = Math.ceil((w * bits) / 32) * 4;
  const palette = bits === 8 ? 256 * 4 : 0;
  const offset = 54 + palette;
  const b = new Uint8Array(offset + stride * h);
  const v = new DataView(b.buffer);
  b.set([0x42, 0x4d]);
  v.setUint32(2, b.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, w, true);
  v.setInt32(22, h, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, bits, true);
  for (let i = 0; i < palette / 4; i++) b.set([i, i, i, 0], 54 + 4 * i);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const g = px[y * w + x] as number;
      const at = offset + (h - 1 - y) * stride;
      if (bits === 8) b[at + x] = g;
      else b.set([g, g, g], at + 3 * x);
    }
  return b;
}

describe('masks', () => {
  it('decodes 8- and 24-bit BMP masks (KolektorSDD PartN_label.bmp), bottom-up rows', () => {
    const px = [0, 255, 0, 0, 0, 128];
    for (const bits of [8, 24] as const) {
      const f = decodeImage(bmp(3, 2, px, bits), 'm.bmp');
      expect([f.width, f.height, f.channels]).toEqual([3, 2, 1]);
      expect(Array.from(f.data)).toEqual(px);
    }
  });

  it('thresholds anti-aliased masks at half their brightest value; 0/1 masks keep their ones', () => {
    const aa = maskFromFrame({ width: 4, height: 1, channels: 1, data: Uint8Array.of(0, 60, 128, 255) });
    expect(Array.from(aa.data)).toEqual([0, 0, 1, 1]);
    const ones = maskFromFrame({ width: 3, height: 1, channels: 1, data: Uint8Array.of(0, 1, 1) });
    expect(Array.from(ones.data)).toEqual([0, 1, 1]);
    expect(maskArea(maskFromFrame({ width: 2, height: 1, channels: 1, data: new Uint8Array(2) }))).toBe(0);
  });

  it('draws YOLO polygons and boxes into a pixel mask', () => {
    const [box] = parseOutlines('1 0.75 0.75 0.5 0.5\n', 'l.txt');
    const m = rasterizeOutlines([box as Float64Array], 4, 4);
    expect(Array.from(m.data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
    expect(() => parseOutlines('0 0.1 0.2 0.3\n', 'labels/007.txt')).toThrow(/labels\/007\.txt:1: expected/);
  });

  it('maps a mask of any resolution onto the letterboxed input grid; margin cells are NaN', () => {
    // A 16×8 image into a 16×16 input (cells of 8): the image fills rows 4–11, so cell rows 0 and 1 each hold
    // half image; the defect is the image's right half.
    const data = new Uint8Array(16 * 8);
    for (let y = 0; y < 8; y++) for (let x = 8; x < 16; x++) data[y * 16 + x] = 1;
    const grid = { width: 16, height: 16, resize: 'letterbox' as const, stride: 8 };
    expect(Array.from(cellCoverage({ width: 16, height: 8, data }, grid))).toEqual([0, 1, 0, 1]);
    // The same mask at half resolution covers the same cells.
    const half = new Uint8Array(8 * 4);
    for (let y = 0; y < 4; y++) for (let x = 4; x < 8; x++) half[y * 8 + x] = 1;
    expect(Array.from(cellCoverage({ width: 8, height: 4, data: half }, grid))).toEqual([0, 1, 0, 1]);
    expect(Array.from(cellCoverage({ width: 16, height: 8, data }, grid, { flipX: true }))).toEqual([
      1, 0, 1, 0,
    ]);
    // A tall 8×32 image in a 16×32 input: the left and right cell columns are margin.
    const tall = cellCoverage(
      { width: 8, height: 32, data: new Uint8Array(256) },
      { ...grid, width: 32, height: 32 },
    );
    expect(tall.filter(Number.isNaN)).toHaveLength(8);
  });

  describe('findMask', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'sl-masks-'));
      for (const d of [
        'a/defect',
        'a/masks',
        'b/test/crack',
        'b/ground_truth/crack',
        'c/defect',
        'c/labels',
        'd/kos01',
      ])
        await mkdir(join(dir, d), { recursive: true });
      for (const f of [
        'a/defect/1.png',
        'a/defect/1_mask.png',
        'a/defect/2.png',
        'a/masks/2.png',
        'b/test/crack/000.png',
        'b/ground_truth/crack/000_mask.png',
        'c/defect/x.jpg',
        'c/labels/x.txt',
        'd/kos01/Part3.jpg',
        'd/kos01/Part3_label.bmp',
      ])
        await writeFile(join(dir, f), '');
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('finds masks beside the image, in masks/, MVTec ground_truth/, KolektorSDD _label.bmp, YOLO labels/', async () => {
      const at = async (p: string) => (await findMask(join(dir, p)))?.path.slice(dir.length + 1);
      expect(await at('a/defect/1.png')).toBe('a/defect/1_mask.png');
      expect(await at('a/defect/2.png')).toBe('a/masks/2.png');
      expect(await at('b/test/crack/000.png')).toBe('b/ground_truth/crack/000_mask.png');
      expect(await at('c/defect/x.jpg')).toBe('c/labels/x.txt');
      expect(await at('d/kos01/Part3.jpg')).toBe('d/kos01/Part3_label.bmp');
      expect(await findMask(join(dir, 'a/defect/9.png'))).toBeNull();
    });
  });
});
