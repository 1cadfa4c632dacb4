import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ImageFrame } from '@sightline/models';
import { AgentError } from '../errors.ts';
import { type CapturedFrame, type FrameSource, monotonicMs } from './frame-source.ts';
import { loadOpenCv } from './opencv-source.ts';
import { createPacer } from './pacer.ts';

const IMAGE = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.pgm', '.ppm']);

export interface FolderSourceOptions {
  path: string;
  camera: string;
  loop: boolean;
  fps: number;
  now?: () => number;
}

/** Every image in a folder, in name order, decoded by OpenCV. Not live: no image is skipped. */
export function createFolderSource(opts: FolderSourceOptions): FrameSource {
  const now = opts.now ?? Date.now;
  const pacer = createPacer(opts.fps);
  let files: string[] = [];
  let index = 0;
  let cv: Awaited<ReturnType<typeof loadOpenCv>> | undefined;

  return {
    kind: 'folder',
    live: false,
    async open() {
      cv = await loadOpenCv();
      try {
        files = (await readdir(opts.path)).filter((f) => IMAGE.has(extname(f).toLowerCase())).sort();
      } catch (cause) {
        throw new AgentError(
          'SL_CAMERA_OPEN_FAILED',
          `camera ${opts.camera}: cannot read folder ${opts.path}: ${(cause as Error).message}`,
          { cause },
        );
      }
      if (files.length === 0) {
        throw new AgentError(
          'SL_CAMERA_OPEN_FAILED',
          `camera ${opts.camera}: no images (${[...IMAGE].join(', ')}) in ${opts.path}`,
        );
      }
    },
    async read(): Promise<CapturedFrame | null> {
      if (!cv) throw new Error('folder source read before open');
      if (index >= files.length) {
        if (!opts.loop) return null;
        index = 0;
      }
      await pacer.wait();
      const name = files[index] ?? '';
      const start = performance.now();
      const mat = await cv.imreadAsync(join(opts.path, name), cv.IMREAD_UNCHANGED);
      if (mat.empty)
        throw new AgentError('SL_CAMERA_OPEN_FAILED', `camera ${opts.camera}: cannot decode ${name}`);
      const channels = mat.channels === 4 ? 3 : mat.channels;
      const bgr = mat.channels === 4 ? await mat.cvtColorAsync(cv.COLOR_BGRA2BGR) : mat;
      const frame: ImageFrame = {
        width: bgr.cols,
        height: bgr.rows,
        channels: channels as 1 | 3,
        data: new Uint8Array(bgr.getData()),
      };
      index += 1;
      return {
        id: `${opts.camera}-${name}`,
        ts: now(),
        at: monotonicMs(),
        frame,
        captureMs: performance.now() - start,
      };
    },
    async close() {},
  };
}
