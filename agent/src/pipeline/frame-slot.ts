import type { CapturedFrame } from '../capture/index.ts';

/**
 * Hand-over between a camera's capture loop and its inference loop. Live: the newest frame wins
 * and a frame nobody took is dropped (counted). Recorded: the capture loop reads only when the
 * inference loop asks (`wanted`), so a frame never waits between capture and inference.
 */
export function createFrameSlot(live: boolean) {
  let frame: CapturedFrame | undefined;
  let closed = false;
  let dropped = 0;
  let waiting = false;
  let onPut: (() => void) | undefined;
  let onTake: (() => void) | undefined;
  let onWant: (() => void) | undefined;
  const wake = (which: 'put' | 'take' | 'want') => {
    const fn = which === 'put' ? onPut : which === 'take' ? onTake : onWant;
    if (which === 'put') onPut = undefined;
    else if (which === 'take') onTake = undefined;
    else onWant = undefined;
    fn?.();
  };
  return {
    async put(next: CapturedFrame): Promise<void> {
      if (!live) while (frame && !closed) await new Promise<void>((r) => (onTake = r));
      if (frame) dropped += 1;
      frame = next;
      wake('put');
    },
    /** Resolves once the consumer waits for a frame (or the slot is closed). */
    async wanted(): Promise<void> {
      while (!waiting && !closed) await new Promise<void>((r) => (onWant = r));
    },
    /** The next frame, or undefined once closed and empty. */
    async take(): Promise<CapturedFrame | undefined> {
      waiting = true;
      wake('want');
      while (!frame && !closed) await new Promise<void>((r) => (onPut = r));
      waiting = false;
      const out = frame;
      frame = undefined;
      wake('take');
      return out;
    },
    close() {
      closed = true;
      wake('put');
      wake('take');
      wake('want');
    },
    dropped: () => dropped,
  };
}
