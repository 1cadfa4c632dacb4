import { ModelsError } from '../errors.ts';

/**
 * Defect outlines: polygons in normalised image coordinates (x, y in 0..1), as YOLO segmentation label files
 * hold them (`class x1 y1 x2 y2 …` per line). A labelled defect image `…/defect/NAME.jpg` has its outlines in
 * `…/labels/NAME.txt` (the layout Ultralytics exports); `mask.ts` draws them into a pixel mask.
 */
export type Outline = Float64Array;

/** Parses a YOLO segmentation label file; `where` names it in errors. Box lines (5 numbers) become rectangles. */
export function parseOutlines(text: string, where: string): Outline[] {
  const out: Outline[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const v = line.split(/\s+/).slice(1).map(Number);
    const bad = v.findIndex((x) => !Number.isFinite(x) || x < -0.01 || x > 1.01);
    if (bad >= 0 || v.length < 4 || v.length % 2 !== 0) {
      throw new ModelsError(
        'SL_DATASET_INVALID',
        `${where}:${i + 1}: expected "class x1 y1 x2 y2 …" (a polygon) or "class cx cy w h" (a box) with coordinates in 0..1`,
      );
    }
    if (v.length === 4) {
      const [cx, cy, w, h] = v as [number, number, number, number];
      const [x0, x1, y0, y1] = [cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2];
      out.push(Float64Array.of(x0, y0, x1, y0, x1, y1, x0, y1));
    } else out.push(Float64Array.from(v));
  });
  return out;
}
