import { type DefectMask, maskArea, readMask } from '../masks/mask.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import { type LabelledFile, readImage, shortName } from './image-folder.ts';
import { createProgressBar } from './progress.ts';

/** A decoded training image; `mask` only when its defect mask (or outline) marks at least one pixel. */
export interface TrainImage {
  frame: ImageFrame;
  label: 0 | 1;
  path: string;
  mask: DefectMask | null;
}

export interface LoadedSet {
  train: TrainImage[];
  val: TrainImage[];
  /** Defect training images without a usable mask, by kind: image-level positives only. */
  unmasked: { missing: string[]; empty: string[] };
}

const list = (names: string[]) =>
  names.length <= 8 ? names.join(', ') : `${names.slice(0, 8).join(', ')} and ${names.length - 8} more`;

/**
 * Decodes every listed image (and the defect images' masks) with a progress bar. Defect images whose mask is
 * missing or empty are named in a warning and kept as image-level positives (cross-validated, not used for
 * per-cell training): one odd file never refuses the whole set.
 */
export async function loadTrainingSet(
  root: string,
  files: readonly LabelledFile[],
  opts: { pool?: boolean; log?: (line: string) => void; progress?: boolean } = {},
): Promise<LoadedSet> {
  const log = opts.log ?? (() => {});
  const bar = opts.progress ? createProgressBar('loading', files.length) : null;
  const train: TrainImage[] = [];
  const val: TrainImage[] = [];
  const unmasked = { missing: [] as string[], empty: [] as string[] };
  for (const f of files) {
    const frame = await readImage(f.path);
    let mask: DefectMask | null = null;
    if (f.label === 1 && f.mask) {
      mask = await readMask(f.mask, frame);
      if (maskArea(mask) === 0) {
        mask = null;
        unmasked.empty.push(shortName(root, f.mask.path));
      }
    } else if (f.label === 1) unmasked.missing.push(shortName(root, f.path));
    (f.split === 'train' || opts.pool ? train : val).push({ frame, label: f.label, path: f.path, mask });
    bar?.tick();
  }
  bar?.done();
  const masked = train.filter((t) => t.mask).length;
  if (masked > 0 && unmasked.empty.length > 0) {
    log(
      `warning: ${unmasked.empty.length} defect mask(s) are empty: ${list(unmasked.empty)}; those images count as defective for cross-validation but train no cells`,
    );
  }
  if (masked > 0 && unmasked.missing.length > 0) {
    log(
      `warning: ${unmasked.missing.length} defect image(s) have no mask or outline: ${list(unmasked.missing)}; they count as defective for cross-validation but train no cells`,
    );
  }
  return { train, val, unmasked };
}
