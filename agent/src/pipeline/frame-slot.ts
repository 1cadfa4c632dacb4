import type { FrameSink } from '../capture/camera.ts';
import type { CapturedFrame } from '../capture/index.ts';

export interface FrameSlot extends FrameSink {
  /** The next frame, or undefined once ended and empty. */
  take(): Promise<CapturedFrame | undefined>;
}

/**
 * The hand-off between a camera's capture stage and its inspection, one frame deep, so capturing
 * (and preprocessing, in a capture thread) the next frame overlaps inspecting this one.
 * Live: `put` never waits; a frame still untaken when a newer one arrives is dropped, and `onDrop`
 * is told. Recorded: `put` waits until the slot is free, so no frame is lost.
 */
export function createFrameSlot(opts: {
  live: boolean;
  /** A frame left behind: replaced by a newer one (live), or put after the end (stopping). */
  onDrop?: (frame: CapturedFrame, why: 'superseded' | 'ended') => void;
}): FrameSlot {
  let frame: CapturedFrame | undefined;
  let ended = false;
  let onPut: (() => void) | undefined;
  let onTake: (() => void) | undefined;
  const wakePut = () => {
    const fn = onPut;
    onPut = undefined;
    fn?.();
  };
  const wakeTake = () => {
    const fn = onTake;
    onTake = undefined;
    fn?.();
  };
  return {
    async put(next) {
      if (!opts.live) while (frame && !ended) await new Promise<void>((r) => (onTake = r));
      if (ended) {
        opts.onDrop?.(next, 'ended');
        return;
      }
      if (frame) opts.onDrop?.(frame, 'superseded');
      frame = next;
      wakePut();
    },
    async take() {
      while (!frame && !ended) await new Promise<void>((r) => (onPut = r));
      const out = frame;
      frame = undefined;
      wakeTake();
      return out;
    },
    end() {
      ended = true;
      wakePut();
      wakeTake();
    },
  };
}
