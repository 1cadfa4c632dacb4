import type { ImageFrame } from '@sightline/models';
import { loadOpenCv } from '../capture/index.ts';

/** Encodes one frame (BGR or grey, packed rows) as JPEG. */
export type JpegEncoder = (frame: ImageFrame) => Promise<Uint8Array>;

type Cv = Awaited<ReturnType<typeof loadOpenCv>>;

export interface OpenCvJpegEncoderOptions {
  /** JPEG quality 1-100. */
  quality?: number;
  /** Loads OpenCV; default: the agent's loader (fails with SL_OPENCV_MISSING and how to install it). */
  load?: () => Promise<Cv>;
}

/** JPEG encoding with OpenCV's imencode, loading the addon on first use. */
export function createOpenCvJpegEncoder(opts: OpenCvJpegEncoderOptions = {}): JpegEncoder {
  const quality = opts.quality ?? 85;
  let cv: Promise<Cv> | undefined;
  return async (frame) => {
    const expected = frame.width * frame.height * frame.channels;
    if (frame.data.byteLength !== expected) {
      throw new Error(
        `frame is ${frame.width}x${frame.height}x${frame.channels} but holds ${frame.data.byteLength} bytes, not ${expected}`,
      );
    }
    cv ??= (opts.load ?? loadOpenCv)();
    const c = await cv;
    const bytes = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
    const mat = new c.Mat(bytes, frame.height, frame.width, frame.channels === 3 ? c.CV_8UC3 : c.CV_8UC1);
    const jpeg = await c.imencodeAsync('.jpg', mat, [c.IMWRITE_JPEG_QUALITY, quality]);
    return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  };
}
