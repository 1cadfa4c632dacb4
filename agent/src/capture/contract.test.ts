// The FrameSource contract: every implementation passes the same suite (as MQTT.js runs one suite
// against each of its stores).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPartStream,
  createPreprocessor,
  defaultModelDir,
  encodePng,
  loadModel,
} from '@sightline/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputKey } from '../preprocess/index.ts';
import { ConveyorSourceConfig } from './conveyor/config.ts';
import type { FrameSource } from './frame-source.ts';
import {
  createFolderSource,
  createFrameSource,
  createOpenCvSource,
  createSyntheticSource,
  loadOpenCv,
} from './index.ts';
import { createThreadedSource } from './thread/threaded-source.ts';

const FRAMES = 6;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sl-sources-'));
  const parts = createPartStream({ seed: 4, defectRate: 0.5, width: 64, height: 64 });
  await writeFile(join(dir, 'README.txt'), 'not an image');
  const cv = await loadOpenCv();
  const writer = new cv.VideoWriter(
    join(dir, 'line.avi'),
    cv.VideoWriter.fourcc('MJPG'),
    10,
    new cv.Size(64, 64),
    true,
  );
  for (let i = 0; i < FRAMES; i++) {
    const { frame } = parts.next();
    await writeFile(join(dir, `part-${i}.png`), encodePng(frame));
    const bgr = Buffer.alloc(64 * 64 * 3);
    for (let p = 0; p < 64 * 64; p++) bgr.fill(frame.data[p] ?? 0, 3 * p, 3 * p + 3);
    writer.write(new cv.Mat(bgr, 64, 64, cv.CV_8UC3));
  }
  writer.release();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Case {
  make: () => FrameSource;
  live: boolean;
  /** Frames before the source ends (each case is finite: recordings end, live sources have a limit). */
  frames: number;
  /** Frames come preprocessed for this input. */
  preprocessed?: boolean;
}
const synthetic = { seed: 2, defectRate: 0.3, width: 64, height: 64 };
const { manifest } = await loadModel(defaultModelDir());
const conveyor = ConveyorSourceConfig.parse({
  kind: 'conveyor',
  seed: 5,
  defectRate: 0.3,
  clock: 'simulated',
  capture: 'triggered',
});
const cases: Record<string, Case> = {
  'synthetic, unpaced': {
    make: () => createSyntheticSource({ ...synthetic, fps: 0, limit: FRAMES }),
    live: false,
    frames: FRAMES,
  },
  'synthetic, paced (live)': {
    make: () => createSyntheticSource({ ...synthetic, fps: 200, limit: FRAMES }),
    live: true,
    frames: FRAMES,
  },
  'synthetic, replayed from memory': {
    make: () => createSyntheticSource({ ...synthetic, fps: 0, limit: FRAMES, prerender: 2 }),
    live: false,
    frames: FRAMES,
  },
  folder: {
    make: () => createFolderSource({ path: dir, camera: 'cam0', loop: false, fps: 0 }),
    live: false,
    frames: FRAMES,
  },
  'opencv (video file)': {
    make: () => createOpenCvSource({ uri: join(dir, 'line.avi'), camera: 'cam0' }),
    live: false,
    frames: FRAMES,
  },
  'conveyor (simulated clock, triggered camera)': {
    make: () => createFrameSource('cam0', conveyor, FRAMES),
    live: false,
    frames: FRAMES,
  },
  'capture thread (conveyor)': {
    make: () => createThreadedSource({ camera: 'cam0', source: conveyor, limit: FRAMES }),
    live: false,
    frames: FRAMES,
  },
  'capture thread (synthetic)': {
    make: () =>
      createThreadedSource({
        camera: 'cam0',
        source: { kind: 'synthetic', ...synthetic, fps: 0, prerender: 0 },
        limit: FRAMES,
        input: manifest.input,
      }),
    live: false,
    frames: FRAMES,
    preprocessed: true,
  },
};

describe.each(Object.entries(cases))('FrameSource contract: %s', (_name, c) => {
  it('says whether it is live, and hands over whole, independent frames with unique ids, then ends', async () => {
    const source = c.make();
    expect(source.live).toBe(c.live);
    expect(typeof source.kind).toBe('string');
    await source.open();
    const frames = [];
    for (let f = await source.read(); f; f = await source.read()) frames.push(f);
    await source.close();
    await source.dispose?.();
    expect(frames).toHaveLength(c.frames);
    expect(new Set(frames.map((f) => f.id)).size).toBe(c.frames);
    const first = frames[0];
    const kept = first ? Uint8Array.from(first.frame.data) : undefined;
    for (const [i, { frame, ts, captureMs, input }] of frames.entries()) {
      expect([1, 3]).toContain(frame.channels);
      expect(frame.data.length).toBe(frame.width * frame.height * frame.channels);
      expect(captureMs).toBeGreaterThanOrEqual(0);
      if (i > 0) expect(ts).toBeGreaterThanOrEqual(frames[i - 1]?.ts ?? 0);
      if (c.preprocessed) {
        expect(input?.key).toBe(inputKey(manifest.input));
        expect(input?.tensor.length).toBe(manifest.input.shape.reduce((a, b) => a * b, 1));
      } else expect(input).toBeUndefined();
    }
    // Reading on did not change a frame handed over earlier.
    expect(first?.frame.data).toEqual(kept);
    // Not every frame is the same picture.
    expect(new Set(frames.map((f) => f.frame.data.reduce((a, b) => a + b, 0))).size).toBeGreaterThan(1);
  });

  it.runIf(c.preprocessed)(
    'makes the right tensor for every frame while its buffers are recycled',
    async () => {
      const source = c.make();
      const expected = createPreprocessor(manifest.input);
      await source.open();
      for (let f = await source.read(); f; f = await source.read()) {
        expect(f.input?.tensor).toEqual(expected(f.frame));
        source.recycle?.(f);
      }
      await source.close();
      await source.dispose?.();
    },
  );

  it('can be closed and opened again (a reconnect) and goes on', async () => {
    const source = c.make();
    await source.open();
    const a = await source.read();
    await source.close();
    await source.open();
    const b = await source.read();
    await source.close();
    await source.dispose?.();
    expect(a).toBeTruthy();
    expect(b).toBeTruthy();
  });
});
