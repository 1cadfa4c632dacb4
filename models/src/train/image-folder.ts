import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ModelsError } from '../errors.ts';
import { decodeImage } from '../images/decode.ts';
import { isImageName } from '../images/files.ts';
import { findMask, type MaskSource } from '../masks/find.ts';
import type { ImageFrame } from '../synthetic/frame.ts';

/** One labelled image file of a training directory. */
export interface LabelledFile {
  path: string;
  /** 1 = defect, 0 = ok. */
  label: 0 | 1;
  split: 'train' | 'val';
  /** Where its defect mask or outline is (defect images only), if it has one. */
  mask: MaskSource | null;
}

/** Class folders: `ok`/`good` (MVTec AD) are good parts; `defect` or, beside a `good/`, any kind folder are defects. */
const GOOD = new Set(['ok', 'good']);
const SKIP = new Set(['labels', 'masks', 'ground_truth']);

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function listClass(dir: string, label: 0 | 1, split: LabelledFile['split']): Promise<LabelledFile[]> {
  const names = (await readdir(dir)).filter(isImageName).sort();
  const out: LabelledFile[] = [];
  for (const n of names) {
    const path = join(dir, n);
    out.push({ path, label, split, mask: label === 1 ? await findMask(path) : null });
  }
  return out;
}

/** The class folders of one split: ok/ + defect/, or MVTec AD's good/ + one folder per defect kind. */
async function classDirs(root: string): Promise<Array<[string, 0 | 1]>> {
  const names = (await readdir(root).catch(() => [] as string[])).sort();
  const dirs: Array<[string, 0 | 1]> = [];
  for (const n of names) {
    if (SKIP.has(n) || !(await isDir(join(root, n)))) continue;
    if (GOOD.has(n)) dirs.push([join(root, n), 0]);
    else if (n === 'defect' || names.includes('good')) dirs.push([join(root, n), 1]);
  }
  // Good parts first, as images/load.ts lists them.
  return dirs.sort((a, b) => a[1] - b[1]);
}

/**
 * Lists `DIR/{ok,defect}/*`, or `DIR/{train,val}/{ok,defect}/…` (val optional; MVTec AD's `test/` counts as
 * val and its `good/` as ok), sorted by name, each defect image with its mask if any (`masks/find.ts`).
 * `minDefects` = 0 lets a good-only set through (anomaly mode). Throws SL_DATASET_INVALID naming what is
 * missing.
 */
export async function listImageFolder(
  dir: string,
  opts: { minDefects?: number } = {},
): Promise<LabelledFile[]> {
  if (!(await isDir(dir))) throw new ModelsError('SL_DATASET_INVALID', `--data ${dir}: not a directory`);
  const nested = await isDir(join(dir, 'train'));
  const splits: Array<[string, LabelledFile['split']]> = nested
    ? [
        [join(dir, 'train'), 'train'],
        [join(dir, (await isDir(join(dir, 'val'))) ? 'val' : 'test'), 'val'],
      ]
    : [[dir, 'train']];
  const files: LabelledFile[] = [];
  for (const [root, split] of splits) {
    if (split === 'val' && !(await isDir(root))) continue;
    const dirs = await classDirs(root);
    if (!dirs.some(([, l]) => l === 0) || (!dirs.some(([, l]) => l === 1) && opts.minDefects !== 0)) {
      if (split === 'val') continue;
      throw new ModelsError(
        'SL_DATASET_INVALID',
        `${join(root, dirs.some(([, l]) => l === 0) ? 'defect' : 'ok')}: missing; a training directory holds ok/ and defect/ (optionally under train/ and val/)`,
      );
    }
    for (const [d, label] of dirs) files.push(...(await listClass(d, label, split)));
  }
  for (const label of [0, 1] as const) {
    const n = files.filter((f) => f.split === 'train' && f.label === label).length;
    const need = label === 1 ? (opts.minDefects ?? 5) : 5;
    if (n < need) {
      throw new ModelsError(
        'SL_DATASET_INVALID',
        `${dir}: ${n} ${label ? 'defect' : 'ok'} training images; need at least ${need}${label ? ' (or --head anomaly for good images only)' : ''}`,
      );
    }
  }
  return files;
}

/** `path` relative to the dataset root, for messages. */
export const shortName = (root: string, path: string) => relative(root, path) || path;

/** Decodes a JPEG, PNG, PGM or BMP file into a gray (1-channel) or BGR (3-channel) frame. */
export async function readImage(path: string): Promise<ImageFrame> {
  return decodeImage(new Uint8Array(await readFile(path)), path);
}
