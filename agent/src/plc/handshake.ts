import type { Verdict } from '@sightline/protocol';

/**
 * The PLC handshake's address map (Modbus, 0-based addresses). A global block at 0, then one block of
 * 100 per camera in config order: camera k's addresses are `CAMERA_BASE(k) + offset`.
 */
export const MAP = {
  global: {
    /** Holding register the PLC writes: change over to the recipe with this index. */
    recipeIndexIn: 0,
    /** Input registers: the recipe index in force; a heartbeat counting seconds. */
    recipeIndex: 0,
    heartbeat: 1,
  },
  coil: { trigger: 0, resultsAck: 1 },
  discrete: { triggerReady: 0, resultsReady: 1, ok: 2, ng: 3, error: 4 },
  holding: { partIdIn: 0, partIdWords: 16, encoderHigh: 20, encoderLow: 21 },
  input: { resultClass: 0, errorCode: 1, resultCounter: 2, score: 3, partId: 4, partIdWords: 16 },
} as const;

export const CAMERA_BASE = (k: number) => 100 * (k + 1);

/** Result class register values. */
export const RESULT_CLASS: Record<Verdict | 'none', number> = { none: 0, ok: 1, defect: 2, uncertain: 3 };

/** Error code register values. */
export const ERROR_CODE = { none: 0, missedPart: 1, cameraDown: 2, resultsOverflow: 3 } as const;

export interface PlcResult {
  verdict: Verdict;
  score: number;
  part?: string;
}

/** ASCII in 16-bit registers, two characters each, high byte first; NUL-padded. */
export function wordsToText(words: readonly number[]): string {
  let out = '';
  for (const w of words) {
    for (const c of [(w >> 8) & 0xff, w & 0xff]) {
      if (c === 0) return out;
      out += String.fromCharCode(c);
    }
  }
  return out;
}

export function textToWords(text: string, count: number): number[] {
  const words = new Array<number>(count).fill(0);
  for (let i = 0; i < Math.min(text.length, count * 2); i++) {
    const c = text.charCodeAt(i) & 0xff;
    const w = i >> 1;
    words[w] = (words[w] ?? 0) | (i % 2 === 0 ? c << 8 : c);
  }
  return words;
}

/**
 * One camera's side of the handshake, as a state machine over its signals:
 * - trigger: the PLC raises the trigger coil (a rising edge is one part; the part id registers are read
 *   then); `triggerReady` says the camera can take one.
 * - results: each verdict joins a queue; the head is presented (class, score, part id, OK/NG) with
 *   `resultsReady` up; the PLC raises `resultsAck`, the agent lowers `resultsReady`, and once the PLC
 *   has lowered `resultsAck` again the next result is presented.
 * - error: a missed part, a camera down, or results the PLC did not take in time (the queue overflowed)
 *   raise `error` with its code until the next result is presented.
 */
export function createCameraHandshake(opts: {
  onTrigger: (part?: string) => void;
  /** The PLC wrote the encoder's low word (after its high word): the new count. */
  onEncoder?: (count: number) => void;
  maxQueued?: number;
}) {
  const maxQueued = opts.maxQueued ?? 64;
  const queue: PlcResult[] = [];
  const coils = { trigger: false, resultsAck: false };
  const holding = new Array<number>(MAP.holding.encoderLow + 1).fill(0);
  let presented: PlcResult | undefined;
  let counter = 0;
  let errorCode: number = ERROR_CODE.none;
  let ready = false;
  const encoder = () =>
    (holding[MAP.holding.encoderHigh] ?? 0) * 65536 + (holding[MAP.holding.encoderLow] ?? 0);

  const present = () => {
    if (presented || coils.resultsAck) return;
    presented = queue.shift();
    if (presented) {
      counter = (counter + 1) & 0xffff;
      errorCode = ERROR_CODE.none;
    }
  };

  return {
    setCoil(offset: number, value: boolean) {
      if (offset === MAP.coil.trigger) {
        const rising = value && !coils.trigger;
        coils.trigger = value;
        if (rising) {
          const part = wordsToText(
            holding.slice(MAP.holding.partIdIn, MAP.holding.partIdIn + MAP.holding.partIdWords),
          );
          opts.onTrigger(part || undefined);
        }
      } else if (offset === MAP.coil.resultsAck) {
        const rising = value && !coils.resultsAck;
        coils.resultsAck = value;
        // Taken: lower resultsReady; the next result waits until the PLC lowers its ack.
        if (rising) presented = undefined;
        else if (!value) present();
      }
    },
    getCoil: (offset: number) =>
      offset === MAP.coil.trigger ? coils.trigger : offset === MAP.coil.resultsAck ? coils.resultsAck : false,
    setHolding(offset: number, value: number) {
      if (offset < 0 || offset >= holding.length) return;
      holding[offset] = value & 0xffff;
      if (offset === MAP.holding.encoderLow) opts.onEncoder?.(encoder());
    },
    getHolding: (offset: number) => holding[offset] ?? 0,
    /** The 32-bit encoder count the PLC writes (high word first). */
    encoder,
    getDiscrete(offset: number): boolean {
      switch (offset) {
        case MAP.discrete.triggerReady:
          return ready;
        case MAP.discrete.resultsReady:
          return presented !== undefined;
        case MAP.discrete.ok:
          return presented?.verdict === 'ok';
        case MAP.discrete.ng:
          return presented !== undefined && presented.verdict !== 'ok';
        case MAP.discrete.error:
          return errorCode !== ERROR_CODE.none;
        default:
          return false;
      }
    },
    getInput(offset: number): number {
      const { input } = MAP;
      if (offset === input.resultClass) return RESULT_CLASS[presented?.verdict ?? 'none'];
      if (offset === input.errorCode) return errorCode;
      if (offset === input.resultCounter) return counter;
      if (offset === input.score) return Math.round(Math.min(1, Math.max(0, presented?.score ?? 0)) * 1000);
      if (offset >= input.partId && offset < input.partId + input.partIdWords)
        return textToWords(presented?.part ?? '', input.partIdWords)[offset - input.partId] ?? 0;
      return 0;
    },
    result(r: PlcResult) {
      if (queue.length >= maxQueued) {
        queue.shift();
        errorCode = ERROR_CODE.resultsOverflow;
      }
      queue.push(r);
      present();
    },
    error(code: number) {
      errorCode = code;
    },
    setReady(value: boolean) {
      ready = value;
    },
    queued: () => queue.length,
  };
}

export type CameraHandshake = ReturnType<typeof createCameraHandshake>;
