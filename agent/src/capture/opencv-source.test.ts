import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenCvSource, loadOpenCv } from './opencv-source.ts';

const W = 160;
const H = 120;
const FRAMES = 12;
let dir: string;
let video: string;

/** Frame i is a flat grey of level 20·i with a white square whose x grows with i. */
function frameBytes(i: number): Buffer {
  const data = Buffer.alloc(W * H * 3, 20 * i);
  for (let y = 40; y < 80; y++)
    for (let x = 10 + 8 * i; x < 50 + 8 * i; x++) data.fill(255, (y * W + x) * 3, (y * W + x) * 3 + 3);
  return data;
}

beforeAll(async () => {
  const cv = await loadOpenCv();
  dir = await mkdtemp(join(tmpdir(), 'sl-cv-'));
  video = join(dir, 'line.avi');
  const writer = new cv.VideoWriter(video, cv.VideoWriter.fourcc('MJPG'), 10, new cv.Size(W, H), true);
  for (let i = 0; i < FRAMES; i++) writer.write(new cv.Mat(frameBytes(i), H, W, cv.CV_8UC3));
  writer.release();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('OpenCV VideoCapture source', () => {
  it('reads every frame of a video file with its size and content, then ends', async () => {
    const source = createOpenCvSource({ uri: video, camera: 'cam0' });
    await source.open();
    const levels: number[] = [];
    for (;;) {
      const captured = await source.read();
      if (!captured) break;
      expect(captured.frame).toMatchObject({ width: W, height: H, channels: 3 });
      expect(captured.id).toBe(`cam0-${levels.length}`);
      levels.push(captured.frame.data[0] ?? -1);
      // The square's left edge moved with the frame index.
      const i = levels.length - 1;
      const row = 60 * W * 3;
      expect(captured.frame.data[row + (12 + 8 * i) * 3]).toBeGreaterThan(200);
    }
    await source.close();
    expect(levels).toHaveLength(FRAMES);
    // MJPG is lossy: the background grey comes back within a few levels.
    for (const [i, level] of levels.entries()) expect(Math.abs(level - 20 * i)).toBeLessThanOrEqual(4);
  });

  it('fails to open a missing file with a message that names it', async () => {
    const source = createOpenCvSource({ uri: join(dir, 'missing.avi'), camera: 'cam1' });
    await expect(source.open()).rejects.toThrow(/camera cam1: cannot open .*missing\.avi/);
  });
});
