import type { Mat } from '@u4/opencv4nodejs';
import type { CapturedFrame } from '../capture/index.ts';
import type { loadOpenCv } from '../capture/opencv-source.ts';
import type { TriggerConfig } from './config.ts';

type Cv = Awaited<ReturnType<typeof loadOpenCv>>;
type PresenceConfig = Extract<TriggerConfig, { kind: 'presence' }>;

/** Finds parts passing through a region and says, once per part, which frame showed it best placed. */
export interface PresenceDetector {
  /** Every frame, in order: the best-placed frame of a part whose centre has just passed the region's centre. */
  frame(captured: CapturedFrame): CapturedFrame | undefined;
}

interface Seen {
  captured: CapturedFrame;
  /** The nearest part's centre minus the region's centre along the axis, in shrunk px. */
  offset: number;
}

/**
 * Presence in software, with OpenCV: the region (shrunk by `scale`) is compared with the empty belt
 * (a running average, learnt from frames without a part), the difference thresholded, and each outline
 * large enough (`minArea`) is a part. A part is best placed when its centre is nearest the region's
 * centre: the detector follows the part nearest the centre, and when its offset changes sign in one
 * small step (the same part moving on, not the next part taking its place) the better of the two frames
 * is the part's frame.
 */
export function createPresenceDetector(cv: Cv, config: PresenceConfig): PresenceDetector {
  const { region, scale, axis } = config;
  const cols = Math.max(1, Math.round(region.w / scale));
  const rows = Math.max(1, Math.round(region.h / scale));
  const centre = (axis === 'x' ? cols : rows) / 2;
  const minPixels = config.minArea * cols * rows;
  const rect = new cv.Rect(region.x, region.y, region.w, region.h);
  let background: Mat | undefined;
  let last: Seen | undefined;

  const grey = (c: CapturedFrame): Mat => {
    const { width, height, channels, data } = c.frame;
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const mat = new cv.Mat(buf, height, width, channels === 3 ? cv.CV_8UC3 : cv.CV_8UC1);
    return channels === 3 ? mat.cvtColor(cv.COLOR_BGR2GRAY) : mat;
  };

  return {
    frame(captured) {
      const small = grey(captured)
        .getRegion(rect)
        .resize(rows, cols, 0, 0, cv.INTER_AREA)
        .convertTo(cv.CV_32F);
      if (!background) {
        background = small;
        return undefined;
      }
      const mask = small
        .absdiff(background)
        .threshold(config.threshold, 255, cv.THRESH_BINARY)
        .convertTo(cv.CV_8U);
      let nearest: number | undefined;
      let covered = 0;
      for (const contour of mask.findContours(cv.RETR_EXTERNAL, cv.CHAIN_APPROX_SIMPLE)) {
        const m = contour.moments();
        covered += m.m00;
        if (m.m00 < minPixels) continue;
        const offset = (axis === 'x' ? m.m10 : m.m01) / m.m00 - centre;
        if (nearest === undefined || Math.abs(offset) < Math.abs(nearest)) nearest = offset;
      }
      // The belt drifts (light, dust): learn it from frames with nothing on it.
      if (covered < minPixels / 4) background = background.addWeighted(0.9, small, 0.1, 0);
      if (nearest === undefined) {
        last = undefined;
        return undefined;
      }
      const prev = last;
      last = { captured, offset: nearest };
      const step = Math.abs(nearest - (prev?.offset ?? nearest));
      const crossed =
        prev !== undefined && Math.sign(prev.offset) !== Math.sign(nearest) && prev.offset !== 0;
      // A jump of more than a quarter region is the next part taking the lead, not this one moving.
      if (!crossed || step > (axis === 'x' ? cols : rows) / 4) return undefined;
      return Math.abs(prev.offset) < Math.abs(nearest) ? prev.captured : captured;
    },
  };
}
