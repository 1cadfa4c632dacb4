import { describe, expect, it } from 'vitest';
import { loadOpenCv } from '../capture/index.ts';
import { cropRect, warpQuad } from './crop.ts';

/** A 64 × 48 grey test card: a gradient with a bright square. */
function card() {
  const width = 64;
  const height = 48;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      data[y * width + x] = x >= 20 && x < 30 && y >= 10 && y < 20 ? 250 : (x * 3 + y) % 200;
  return { width, height, channels: 1 as const, data };
}

describe('regions', () => {
  it('crops a rectangle, clipped to the frame', () => {
    const f = card();
    const r = cropRect(f, { x: 20, y: 10, w: 10, h: 10 });
    expect(r).toMatchObject({ width: 10, height: 10 });
    expect(new Set(r.data)).toEqual(new Set([250]));
    expect(cropRect(f, { x: 60, y: 40, w: 10, h: 10 })).toMatchObject({ width: 4, height: 8 });
  });

  it('an axis-aligned quadrilateral warps to the same pixels as the crop', () => {
    const f = card();
    const w = warpQuad(
      f,
      [
        [20, 10],
        [30, 10],
        [30, 20],
        [20, 20],
      ],
      10,
      10,
    );
    expect(w.data).toEqual(cropRect(f, { x: 20, y: 10, w: 10, h: 10 }).data);
  });

  it("corrects perspective like OpenCV's warpPerspective", async () => {
    const cv = await loadOpenCv();
    const f = card();
    const quad = [
      [8, 4],
      [56, 9],
      [60, 44],
      [3, 40],
    ] as const;
    const ours = warpQuad(f, quad, 32, 24);
    const src = new cv.Mat(Buffer.from(f.data), f.height, f.width, cv.CV_8UC1);
    const m = cv.getPerspectiveTransform(
      [new cv.Point2(0, 0), new cv.Point2(32, 0), new cv.Point2(32, 24), new cv.Point2(0, 24)],
      quad.map(([x, y]) => new cv.Point2(x, y)),
    );
    const theirs = src
      .warpPerspective(m, new cv.Size(32, 24), cv.INTER_LINEAR | cv.WARP_INVERSE_MAP)
      .getData();
    let worst = 0;
    for (let i = 0; i < ours.data.length; i++)
      worst = Math.max(worst, Math.abs((ours.data[i] ?? 0) - (theirs[i] ?? 0)));
    // OpenCV interpolates in fixed point (1/32 px): a grey level or two apart at most.
    expect(worst).toBeLessThanOrEqual(3);
  });
});
