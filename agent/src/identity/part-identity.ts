import type { PartRef } from '@sightline/protocol';
import type { CapturedFrame } from '../capture/index.ts';
import type { SeqCounter } from '../outbox/index.ts';
import { cropRect } from '../regions/crop.ts';
import type { TriggerEvent } from '../trigger/part-selector.ts';
import type { IdentityConfig } from './config.ts';
import { loadZxing } from './zxing.ts';

/** Gives each part its id: the trigger's, a code read in the chosen frame, or the camera's counter. */
export interface PartIdentity {
  identify(trigger: TriggerEvent, captured: CapturedFrame): Promise<PartRef>;
  /** Parts whose code could not be read (they got a counter id). */
  noReads(): number;
}

/** A grey or BGR frame as the RGBA image zxing-wasm reads. */
function rgba(frame: CapturedFrame['frame']): Uint8ClampedArray {
  const { width, height, channels, data } = frame;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    const b = data[i * channels] ?? 0;
    out[j] = channels === 3 ? (data[i * 3 + 2] ?? 0) : b;
    out[j + 1] = channels === 3 ? (data[i * 3 + 1] ?? 0) : b;
    out[j + 2] = b;
    out[j + 3] = 255;
  }
  return out;
}

/**
 * Part identity. `code` reads a barcode or 2D code (DataMatrix, QR, Code 128, …) with ZXing in the
 * configured region of the chosen frame; a part whose code cannot be read is counted and gets a counter
 * id, never a silent gap. Counter ids are `<camera>-<n>`, n durable across restarts (the state dir).
 */
export function createPartIdentity(opts: {
  camera: string;
  config: IdentityConfig;
  counter: SeqCounter;
}): PartIdentity {
  const { config } = opts;
  let noReads = 0;
  const counted = async (): Promise<PartRef> => ({
    id: `${opts.camera}-${await opts.counter.next()}`,
    from: 'counter',
  });
  const read = async (captured: CapturedFrame): Promise<string | undefined> => {
    const zxing = await loadZxing();
    const image = config.code.region ? cropRect(captured.frame, config.code.region) : captured.frame;
    const found = await zxing.readBarcodes(
      { data: rgba(image), width: image.width, height: image.height, colorSpace: 'srgb' },
      { formats: [...config.code.formats], maxNumberOfSymbols: 1, tryHarder: true },
    );
    return found.find((b) => b.isValid && b.text)?.text;
  };

  return {
    async identify(trigger, captured) {
      if (config.from === 'code') {
        const text = await read(captured);
        if (text) return { id: text.slice(0, 128), from: 'code' };
        noReads += 1;
        return counted();
      }
      if (config.from !== 'counter' && trigger.part) return { id: trigger.part, from: 'trigger' };
      return counted();
    },
    noReads: () => noReads,
  };
}
