import type { CapturedFrame } from '../capture/index.ts';
import type { TriggerKind } from './config.ts';

/** A part announced: by a trigger input, or found in the frames. Times are on the frames' clock (ms). */
export interface TriggerEvent {
  kind: TriggerKind;
  ts: number;
  /** The part id the trigger brought (PLC, MES). */
  part?: string;
  /** Encoder count when it fired, where the line has one. */
  encoder?: number;
}

/** A trigger and the frame chosen for it. */
export interface SelectedPart<B> {
  trigger: TriggerEvent;
  captured: CapturedFrame;
  /** What the part was bound to when it was announced (its recipe). */
  bound: B;
}

/** A trigger no usable frame was found for. */
export interface MissedPart<B> {
  trigger: TriggerEvent;
  bound: B;
  why: 'no-frame-near' | 'camera-silent' | 'stopped';
}

export interface PartSelector<B> {
  /** A trigger from an input (GPIO, MQTT, HTTP, PLC, the photo-eye): its part is `delayMs` away. */
  trigger(event: TriggerEvent, delayMs: number): SelectedPart<B>[];
  /** Every frame, in capture order: the parts it completes. */
  frame(captured: CapturedFrame): SelectedPart<B>[];
  /** Triggers whose time has passed with no frame near it (a silent camera), as of `now`. */
  expire(now: number): MissedPart<B>[];
  /** Parts given up: no frame near their time. */
  takeMissed(): MissedPart<B>[];
  /** The source ended or the camera stopped: every waiting trigger is missed. */
  end(): MissedPart<B>[];
  /** Triggers waiting for their frame. */
  pending(): number;
}

interface Waiting<B> {
  trigger: TriggerEvent;
  target: number;
  bound: B;
}

/**
 * Matches triggers to frames: a part triggered at t is inspected in the frame captured nearest
 * t + captureDelay, from a short history of recent frames (so a trigger that arrives late, as MQTT or
 * HTTP can, still finds its frame), and only when that frame is within `maxOffsetMs` (default: the
 * measured frame interval) — otherwise it is a missed part, never a silent gap.
 */
export function createPartSelector<B>(opts: {
  /** What to bind a part to when it is announced (the recipe in force). */
  bind: () => B;
  maxOffsetMs?: number;
  /** Frames kept for late triggers. */
  historyFrames?: number;
}): PartSelector<B> {
  const history: CapturedFrame[] = [];
  const keep = opts.historyFrames ?? 8;
  let waiting: Waiting<B>[] = [];
  let missed: MissedPart<B>[] = [];
  let interval: number | undefined;

  const tolerance = () => opts.maxOffsetMs ?? (interval === undefined ? 50 : interval * 0.75 + 1);
  const resolve = (w: Waiting<B>): SelectedPart<B> | undefined => {
    let best: CapturedFrame | undefined;
    for (const f of history) if (!best || Math.abs(f.ts - w.target) < Math.abs(best.ts - w.target)) best = f;
    if (best && Math.abs(best.ts - w.target) <= tolerance())
      return { trigger: w.trigger, captured: best, bound: w.bound };
    missed.push({ trigger: w.trigger, bound: w.bound, why: 'no-frame-near' });
    return undefined;
  };
  const latest = () => history.at(-1)?.ts ?? Number.NEGATIVE_INFINITY;

  return {
    trigger(event, delayMs) {
      const w: Waiting<B> = { trigger: event, target: event.ts + delayMs, bound: opts.bind() };
      // Its moment is already past the newest frame: decide from the history now.
      if (w.target <= latest()) {
        const part = resolve(w);
        return part ? [part] : [];
      }
      let i = waiting.length;
      while (i > 0 && (waiting[i - 1]?.target ?? 0) > w.target) i -= 1;
      waiting.splice(i, 0, w);
      return [];
    },
    frame(captured) {
      const last = history.at(-1);
      if (last && captured.ts > last.ts) {
        const gap = captured.ts - last.ts;
        interval = interval === undefined ? gap : interval * 0.9 + gap * 0.1;
      }
      history.push(captured);
      if (history.length > keep) history.shift();
      const out: SelectedPart<B>[] = [];
      while (waiting.length && (waiting[0]?.target ?? 0) <= captured.ts) {
        const part = resolve(waiting.shift() as Waiting<B>);
        if (part) out.push(part);
      }
      return out;
    },
    expire(now) {
      const late = waiting.filter((w) => now > w.target + Math.max(tolerance(), 1000));
      waiting = waiting.filter((w) => !late.includes(w));
      return late.map((w) => ({ trigger: w.trigger, bound: w.bound, why: 'camera-silent' as const }));
    },
    takeMissed() {
      const out = missed;
      missed = [];
      return out;
    },
    end() {
      const out = [
        ...missed,
        ...waiting.map((w) => ({ trigger: w.trigger, bound: w.bound, why: 'stopped' as const })),
      ];
      waiting = [];
      missed = [];
      history.length = 0;
      return out;
    },
    pending: () => waiting.length,
  };
}
