import type { ImageFrame } from '@sightline/models';
import { AgentError } from '../errors.ts';
import { type CapturedFrame, type FrameSource, monotonicMs } from './frame-source.ts';
import { createPacer } from './pacer.ts';

export interface OpenCvSourceOptions {
  /** File path, device index, RTSP URL or GStreamer pipeline. */
  uri: string | number;
  /** Camera id, for frame ids and messages. */
  camera: string;
  fps?: number;
  live?: 'auto' | 'yes' | 'no';
  now?: () => number;
}

/** Devices, network streams and GStreamer pipelines are live; plain file paths are recordings. */
export function isLiveUri(uri: string | number): boolean {
  if (typeof uri === 'number') return true;
  return (
    /^(rtsp|rtsps|http|https|udp|tcp|rtmp):\/\//i.test(uri) ||
    uri.includes('!') ||
    uri.startsWith('/dev/video')
  );
}

type Cv = typeof import('@u4/opencv4nodejs').default;

/** Loads the OpenCV addon on first use, so agents without cameras never need it. */
export async function loadOpenCv(): Promise<Cv> {
  try {
    const mod = await import('@u4/opencv4nodejs');
    return mod.default;
  } catch (cause) {
    throw new AgentError(
      'SL_OPENCV_MISSING',
      'the OpenCV addon (@u4/opencv4nodejs) is not available: install libopencv-dev, then reinstall with ' +
        'OPENCV4NODEJS_DISABLE_AUTOBUILD=1 OPENCV_INCLUDE_DIR=/usr/include/opencv4 OPENCV_LIB_DIR=/usr/lib/$(gcc -dumpmachine) ' +
        `pnpm install (see agent/README.md). Cause: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/** OpenCV VideoCapture source: video files, V4L2 devices, RTSP streams, GStreamer pipelines. */
export function createOpenCvSource(opts: OpenCvSourceOptions): FrameSource {
  const now = opts.now ?? Date.now;
  const pacer = createPacer(opts.fps ?? 0);
  const live = opts.live === 'yes' || (opts.live !== 'no' && isLiveUri(opts.uri));
  let capture: InstanceType<Cv['VideoCapture']> | undefined;
  let index = 0;

  return {
    kind: 'opencv',
    live,
    async open() {
      const cv = await loadOpenCv();
      try {
        capture = new cv.VideoCapture(opts.uri as string);
      } catch (cause) {
        throw new AgentError(
          'SL_CAMERA_OPEN_FAILED',
          `camera ${opts.camera}: cannot open ${JSON.stringify(opts.uri)}: ${(cause as Error).message}. ` +
            'Check the path or URL, that the device exists (ls /dev/video*), and that no other process holds it (fuser /dev/video0).',
          { cause },
        );
      }
    },
    async read(): Promise<CapturedFrame | null> {
      if (!capture) throw new Error('opencv source read before open');
      await pacer.wait();
      const start = performance.now();
      const mat = await capture.readAsync();
      // An empty frame ends a recording; from a live camera it is a failure (reconnect).
      if (mat.empty) {
        if (!live) return null;
        throw new AgentError(
          'SL_CAMERA_OPEN_FAILED',
          `camera ${opts.camera}: the stream returned an empty frame`,
        );
      }
      const channels = mat.channels;
      if (channels !== 1 && channels !== 3) {
        throw new AgentError(
          'SL_CAMERA_OPEN_FAILED',
          `camera ${opts.camera}: unsupported ${channels}-channel frames`,
        );
      }
      const frame: ImageFrame = {
        width: mat.cols,
        height: mat.rows,
        channels,
        data: new Uint8Array(mat.getData()),
      };
      const id = `${opts.camera}-${index}`;
      index += 1;
      return { id, ts: now(), at: monotonicMs(), frame, captureMs: performance.now() - start };
    },
    async close() {
      capture?.release();
      capture = undefined;
    },
  };
}
