import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { ModelsError } from '../errors.ts';
import type { ImageFrame } from '../synthetic/frame.ts';

/** One labelled image file of a training directory. */
export interface LabelledFile {
  path: string;
  /** 1 = defect, 0 = ok. */
  label: 0 | 1;
  split: 'train' | 'val';
}

const IMAGE = /\.(jpe?g|png)$/i;

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

/** Decodes a JPEG or PNG file into a gray (1-channel) or BGR (3-channel) frame. */
export async function readImage(path: string): Promise<ImageFrame> {
  const bytes = await readFile(path);
  const ext = extname(path).toLowerCase();
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  let channels: number;
  if (ext === '.png') {
    const png = decodePng(bytes);
    if (png.depth !== 8)
      throw new ModelsError('SL_DATASET_INVALID', `${path}: ${png.depth}-bit PNG; need 8-bit`);
    ({ width, height, channels } = png);
    rgba = png.data as Uint8Array;
  } else {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
    ({ width, height } = img);
    channels = 3;
    rgba = img.data;
  }
  const n = width * height;
  const gray = channels <= 2;
  let isGray = gray;
  if (!gray) {
    isGray = true;
    for (let i = 0; i < n && isGray; i++) {
      const r = rgba[i * channels];
      isGray = r === rgba[i * channels + 1] && r === rgba[i * channels + 2];
    }
  }
  if (isGray) {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = rgba[i * channels] as number;
    return { width, height, channels: 1, data };
  }
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    data[3 * i] = rgba[i * channels + 2] as number; // frames are BGR (OpenCV order)
    data[3 * i + 1] = rgba[i * channels + 1] as number;
    data[3 * i + 2] = rgba[i * channels] as number;
  }
  return { width, height, channels: 3, data };
}
