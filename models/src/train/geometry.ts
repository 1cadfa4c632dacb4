import { ModelsError } from '../errors.ts';
import type { ResizeMode } from '../preprocess/letterbox.ts';

/** The model input every image is fitted to (aspect kept by letterboxing unless `resize` says stretch). */
export interface InputGeometry {
  width: number;
  height: number;
  resize: ResizeMode;
}

/** Height for `width` that keeps an image aspect, a multiple of 32 in [96, 640]. */
export function inputHeight(width: number, imageW: number, imageH: number): number {
  return Math.max(96, Math.min(640, Math.round((width * imageH) / imageW / 32) * 32));
}

/** `--input WxH` → width and height (multiples of 32, 64–1024). */
export function parseInputSize(text: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/i.exec(text.trim());
  const [w, h] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || w % 32 || h % 32 || w < 64 || h < 64 || w > 1024 || h > 1024) {
    throw new ModelsError(
      'SL_MODELS_INVALID_OPTION',
      `--input ${text}: expected WxH, each a multiple of 32 in 64..1024 (MobileNetV2 halves the map 5 times), e.g. 224x544`,
    );
  }
  return { width: w, height: h };
}

/**
 * The input for a set of images: `size` when given, else `width` wide and as tall as the images' median
 * aspect asks; frames are letterboxed into it, so images of any size and aspect keep their proportions.
 */
export function chooseGeometry(
  images: ReadonlyArray<{ width: number; height: number }>,
  opts: { width: number; size?: { width: number; height: number } | null },
): InputGeometry {
  if (opts.size) return { ...opts.size, resize: 'letterbox' };
  const aspects = images.map((f) => f.height / f.width).sort((a, b) => a - b);
  const median = aspects[aspects.length >> 1] ?? 1;
  return { width: opts.width, height: inputHeight(opts.width, 1, median), resize: 'letterbox' };
}
