/** One camera frame. `channels: 3` is BGR interleaved (OpenCV order); rows are packed (stride = width·channels). */
export type ImageFrame = { width: number; height: number; channels: 1 | 3; data: Uint8Array };

export const DEFECT_KINDS = ['scratch', 'spot', 'crack', 'missing-feature'] as const;
export type DefectKind = (typeof DEFECT_KINDS)[number];

/** Gray → BGR with a faint warm tint, so a colour pipeline sees three slightly different channels. */
export function grayToBgr(gray: ImageFrame): ImageFrame {
  const n = gray.width * gray.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const g = gray.data[i] ?? 0;
    out[i * 3] = Math.round(g * 0.96);
    out[i * 3 + 1] = g;
    out[i * 3 + 2] = Math.min(255, Math.round(g * 1.04));
  }
  return { width: gray.width, height: gray.height, channels: 3, data: out };
}
