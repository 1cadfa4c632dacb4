import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Where an image's defect mask or outline file lives, if it has one. */
export type MaskSource = { kind: 'mask'; path: string } | { kind: 'outlines'; path: string };

const exists = (p: string) =>
  stat(p).then(
    (s) => s.isFile(),
    () => false,
  );

/**
 * The layouts public sets ship, first match wins (`…/defect/NAME.png` as the example):
 * 1. beside the image: `NAME_mask.png`, `NAME_label.bmp|png` (KolektorSDD's `PartN_label.bmp`), `NAME_gt.png`;
 * 2. a `masks/` folder beside the class folder: `masks/NAME.png` or `masks/NAME_mask.png`;
 * 3. MVTec AD: `ground_truth/KIND/NAME_mask.png`, KIND = the image's folder, next to or above its parent;
 * 4. YOLO outlines: `labels/NAME.txt` beside the class folder.
 */
export async function findMask(imagePath: string): Promise<MaskSource | null> {
  const dir = dirname(imagePath);
  const up = dirname(dir);
  const kind = basename(dir);
  const stem = basename(imagePath).replace(/\.[^.]+$/, '');
  const images = [
    join(dir, `${stem}_mask.png`),
    join(dir, `${stem}_label.bmp`),
    join(dir, `${stem}_label.png`),
    join(dir, `${stem}_gt.png`),
    join(up, 'masks', `${stem}.png`),
    join(up, 'masks', `${stem}_mask.png`),
    join(up, 'masks', `${stem}.bmp`),
    join(up, 'ground_truth', kind, `${stem}_mask.png`),
    join(dirname(up), 'ground_truth', kind, `${stem}_mask.png`),
  ];
  for (const p of images) if (await exists(p)) return { kind: 'mask', path: p };
  const outlines = join(up, 'labels', `${stem}.txt`);
  return (await exists(outlines)) ? { kind: 'outlines', path: outlines } : null;
}
