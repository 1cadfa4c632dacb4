import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelsError } from '../errors.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import { decodeImage } from './decode.ts';
import { isImageName } from './files.ts';

export type Split = 'train' | 'val' | 'all';

export interface LabelledImage {
  frame: ImageFrame;
  /** 1 = defect, 0 = ok. */
  label: 0 | 1;
  path: string;
}

export interface LabelledFile {
  label: 0 | 1;
  path: string;
}

const CLASSES: ReadonlyArray<readonly [string, 0 | 1]> = [
  ['ok', 0],
  ['defect', 1],
];

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function classFiles(dir: string): Promise<LabelledFile[]> {
  const files: LabelledFile[] = [];
  for (const [name, label] of CLASSES) {
    const sub = join(dir, name);
    if (!(await isDir(sub))) continue;
    const entries = (await readdir(sub)).filter(isImageName).sort();
    for (const f of entries) files.push({ label, path: join(sub, f) });
  }
  return files;
}

/**
 * Image files of a labelled folder: `DIR/{ok,defect}/*` or `DIR/{train,val}/{ok,defect}/*` (JPEG, PNG, PGM),
 * sorted by class then name (masks beside images, `NAME_mask.png` and the like, are not images). `split` picks train/ or val/ (default `all`: both, or DIR itself when flat).
 */
export async function listLabelledImages(dir: string, opts: { split?: Split } = {}): Promise<LabelledFile[]> {
  const split = opts.split ?? 'all';
  const nested = (await isDir(join(dir, 'train'))) || (await isDir(join(dir, 'val')));
  let files: LabelledFile[];
  if (nested) {
    const parts = split === 'all' ? ['train', 'val'] : [split];
    files = (await Promise.all(parts.map((p) => classFiles(join(dir, p))))).flat();
  } else {
    if (split !== 'all') {
      throw new ModelsError(
        'SL_DATASET_INVALID',
        `${dir} has no ${split}/ folder; give the split's folder or use split "all"`,
      );
    }
    files = await classFiles(dir);
  }
  if (files.length === 0) {
    throw new ModelsError(
      'SL_DATASET_INVALID',
      `${dir}: no images found; expected ${dir}/ok/*.png and ${dir}/defect/*.png (JPEG/PNG/PGM), optionally under train/ and val/`,
    );
  }
  return files;
}

/** Decodes every image of a labelled folder (see `listLabelledImages`). */
export async function loadLabelledImages(
  dir: string,
  opts: { split?: Split } = {},
): Promise<LabelledImage[]> {
  const files = await listLabelledImages(dir, opts);
  return Promise.all(
    files.map(async (f) => ({ ...f, frame: decodeImage(new Uint8Array(await readFile(f.path)), f.path) })),
  );
}
