import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelsError } from '../errors.ts';
import { decodeImage } from '../images/decode.ts';
import type { ImageFrame } from '../synthetic/frame.ts';

/** One labelled image file of a training directory. */
export interface LabelledFile {
  path: string;
  /** 1 = defect, 0 = ok. */
  label: 0 | 1;
  split: 'train' | 'val';
}

const IMAGE = /\.(jpe?g|png|pgm)$/i;

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function listClass(dir: string, label: 0 | 1, split: LabelledFile['split']): Promise<LabelledFile[]> {
  const names = (await readdir(dir)).filter((n) => IMAGE.test(n)).sort();
  return names.map((n) => ({ path: join(dir, n), label, split }));
}

/**
 * Lists `DIR/{ok,defect}/*.{jpg,png}`, or `DIR/{train,val}/{ok,defect}/…` (val optional), sorted by name.
 * Throws SL_DATASET_INVALID with what is missing when the layout does not fit.
 */
export async function listImageFolder(dir: string): Promise<LabelledFile[]> {
  if (!(await isDir(dir))) throw new ModelsError('SL_DATASET_INVALID', `--data ${dir}: not a directory`);
  const splits: Array<[string, LabelledFile['split']]> = (await isDir(join(dir, 'train')))
    ? [
        [join(dir, 'train'), 'train'],
        [join(dir, 'val'), 'val'],
      ]
    : [[dir, 'train']];
  const files: LabelledFile[] = [];
  for (const [root, split] of splits) {
    if (split === 'val' && !(await isDir(root))) continue;
    for (const [name, label] of [
      ['ok', 0],
      ['defect', 1],
    ] as const) {
      const classDir = join(root, name);
      if (!(await isDir(classDir))) {
        throw new ModelsError(
          'SL_DATASET_INVALID',
          `${classDir}: missing; a training directory holds ok/ and defect/ (optionally under train/ and val/)`,
        );
      }
      files.push(...(await listClass(classDir, label, split)));
    }
  }
  for (const label of [0, 1] as const) {
    const n = files.filter((f) => f.split === 'train' && f.label === label).length;
    if (n < 5) {
      throw new ModelsError(
        'SL_DATASET_INVALID',
        `${dir}: ${n} ${label ? 'defect' : 'ok'} training images; need at least 5 of each class`,
      );
    }
  }
  return files;
}

/** Decodes a JPEG, PNG or PGM file into a gray (1-channel) or BGR (3-channel) frame. */
export async function readImage(path: string): Promise<ImageFrame> {
  return decodeImage(new Uint8Array(await readFile(path)), path);
}
