import type { ImageFrame } from '@sightline/models';

type Point = readonly [number, number];

/** The axis-aligned rectangle of a frame (clipped to it), copied row by row. */
export function cropRect(frame: ImageFrame, r: { x: number; y: number; w: number; h: number }): ImageFrame {
  const { width, height, channels, data } = frame;
  const x0 = Math.min(Math.max(0, r.x), width - 1);
  const y0 = Math.min(Math.max(0, r.y), height - 1);
  const w = Math.max(1, Math.min(r.w, width - x0));
  const h = Math.max(1, Math.min(r.h, height - y0));
  const out = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * width + x0) * channels;
    out.set(data.subarray(from, from + w * channels), y * w * channels);
  }
  return { width: w, height: h, channels, data: out };
}

/**
 * The homography taking the unit output rectangle's corners (0,0) (w,0) (w,h) (0,h) onto `quad`, as the
 * 8 coefficients of [a b c; d e f; g h 1]: the linear system of OpenCV's getPerspectiveTransform,
 * solved by Gaussian elimination with partial pivoting.
 */
export function homography(w: number, h: number, quad: readonly [Point, Point, Point, Point]): number[] {
  const src: Point[] = [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
  ];
  const A: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = src[i] as Point;
    const [u, v] = quad[i] as Point;
    A.push([x, y, 1, 0, 0, 0, -x * u, -y * u, u]);
    A.push([0, 0, 0, x, y, 1, -x * v, -y * v, v]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++)
      if (Math.abs(A[r]?.[col] ?? 0) > Math.abs(A[pivot]?.[col] ?? 0)) pivot = r;
    [A[col], A[pivot]] = [A[pivot] as number[], A[col] as number[]];
    const p = A[col] as number[];
    if (Math.abs(p[col] ?? 0) < 1e-12) throw new Error('region corners are degenerate (three in a line?)');
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const row = A[r] as number[];
      const f = (row[col] ?? 0) / (p[col] ?? 1);
      for (let k = col; k < 9; k++) row[k] = (row[k] ?? 0) - f * (p[k] ?? 0);
    }
  }
  return A.map((row, i) => (row[8] ?? 0) / (row[i] ?? 1));
}

/**
 * Perspective correction: the quadrilateral `corners` (top-left, top-right, bottom-right, bottom-left)
 * of the frame resampled onto a w × h image, bilinear, as OpenCV's warpPerspective (INTER_LINEAR,
 * constant 0 border) does for the inverse map. Pure TypeScript: it also runs where OpenCV cannot.
 */
export function warpQuad(
  frame: ImageFrame,
  corners: readonly [Point, Point, Point, Point],
  w: number,
  h: number,
): ImageFrame {
  const [a, b, c, d, e, f, g, hh] = homography(w, h, corners) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const { width, height, channels, data } = frame;
  const out = new Uint8Array(w * h * channels);
  const at = (x: number, y: number, ch: number) =>
    x < 0 || y < 0 || x >= width || y >= height ? 0 : (data[(y * width + x) * channels + ch] ?? 0);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const z = g * x + hh * y + 1;
      const sx = (a * x + b * y + c) / z;
      const sy = (d * x + e * y + f) / z;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let ch = 0; ch < channels; ch++) {
        const top = at(x0, y0, ch) * (1 - fx) + at(x0 + 1, y0, ch) * fx;
        const bottom = at(x0, y0 + 1, ch) * (1 - fx) + at(x0 + 1, y0 + 1, ch) * fx;
        out[(y * w + x) * channels + ch] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { width: w, height: h, channels, data: out };
}

/** A region's image: its rectangle, or its corrected quadrilateral. */
export function regionImage(
  frame: ImageFrame,
  region: { x: number; y: number; w: number; h: number; corners?: readonly [Point, Point, Point, Point] },
): ImageFrame {
  return region.corners ? warpQuad(frame, region.corners, region.w, region.h) : cropRect(frame, region);
}
