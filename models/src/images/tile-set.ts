import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { createTileStream } from '../synthetic/tiles.ts';
import { encodePng } from './decode.ts';

export interface TileSetOptions {
  dir: string;
  seed: number;
  count: number;
  /** Share of defective tiles (default 0.29). */
  defectRate?: number;
  /** Width and height ranges in pixels (default 160–480 × 160–480: nearly every tile a different size). */
  width?: [number, number];
  height?: [number, number];
  /** Defect tiles whose mask is written empty (a labelling slip the trainer must survive). Default 0. */
  emptyMasks?: number;
  /** Share of tiles in val/ (default 0.2; split by name, as the held-back set). */
  valShare?: number;
  /** Materials the tiles are made of (default 2). */
  materials?: number;
  /** Write no defect tile into train/ (a good-only line). */
  goodOnlyTrain?: boolean;
}

/**
 * Writes a textured-tile set in the layout surface-defect sets ship: `DIR/{train,val}/{ok,defect}/NNNN.png`
 * with an anti-aliased `NNNN_mask.png` beside each defect image. Returns counts for checks.
 */
export async function writeTileSet(opts: TileSetOptions) {
  const stream = createTileStream({
    seed: opts.seed,
    defectRate: opts.defectRate ?? 0.29,
    width: opts.width ?? [160, 480],
    height: opts.height ?? [160, 480],
    materials: opts.materials,
  });
  const valFrom = Math.round(opts.count * (1 - (opts.valShare ?? 0.2)));
  for (const s of ['train', 'val'])
    for (const c of ['ok', 'defect']) await mkdir(join(opts.dir, s, c), { recursive: true });
  const counts = { ok: 0, defect: 0, emptyMasks: 0, sizes: new Set<string>() };
  for (let i = 0; i < opts.count; i++) {
    const t = stream.next();
    const split = i < valFrom ? 'train' : 'val';
    if (split === 'train' && t.defect && opts.goodOnlyTrain) continue;
    const cls = t.defect ? 'defect' : 'ok';
    const name = String(i).padStart(4, '0');
    await writeFile(join(opts.dir, split, cls, `${name}.png`), encodePng(t.frame));
    counts.sizes.add(`${t.frame.width}x${t.frame.height}`);
    if (t.defect) {
      const empty = split === 'train' && counts.emptyMasks < (opts.emptyMasks ?? 0);
      if (empty) counts.emptyMasks++;
      const data = empty ? new Uint8Array(t.mask.length) : t.mask;
      await writeFile(
        join(opts.dir, split, cls, `${name}_mask.png`),
        encode({ width: t.frame.width, height: t.frame.height, data, channels: 1, depth: 8 }),
      );
      counts.defect++;
    } else counts.ok++;
  }
  return counts;
}
