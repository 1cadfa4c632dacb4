/** Which file names in a labelled folder are images to learn from (masks beside them are not). */

const IMAGE = /\.(jpe?g|png|pgm|bmp)$/i;
/** Mask naming conventions: `NAME_mask.png` (MVTec AD), `NAME_label.bmp` (KolektorSDD), `NAME_gt.png`. */
export const MASK_SUFFIX = /_(mask|label|gt)\.(png|bmp|pgm|jpe?g)$/i;

export function isImageName(name: string): boolean {
  return IMAGE.test(name) && !MASK_SUFFIX.test(name);
}
