import type { CapturedFrame } from '../capture/index.ts';

/**
 * Hand-over between a camera's capture loop and its inference loop. Live: the newest frame wins
 * and a frame nobody took is dropped (counted). Recorded: `put` waits until the frame is taken.
 */
export function createFrameSlot(live: boolean) {
  let frame: CapturedFrame | undefined;
  let closed = false;
  let dropped = 0;
  let onPut: (() => void) | undefined;
  let onTake: (() => void) | undefined;
  const wake = (which: 'put' | 'take') => {
    const fn = which === 'put' ? onPut : onTake;
    if (which === 'put') onPut = undefined;
    else onTake = undefined;
    fn?.();
  };
  return {
    async put(next: CapturedFrame): Promise<void> {
      if (!live) while (frame && !closed) await new Promise<void>((r) => (onTake = r));
      if (frame) dropped += 1;
      frame = next;
      wake('put');
    },
    /** The next frame, or undefined once closed and empty. */
    async take(): Promise<CapturedFrame | undefined> {
      while (!frame && !closed) await new Promise<void>((r) => (onPut = r));
      const out = frame;
      frame = undefined;
      wake('take');
      return out;
    },
    close() {
      closed = true;
      wake('put');
      wake('take');
    },
    dropped: () => dropped,
  };
}
