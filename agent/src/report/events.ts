import type { AgentEvent, Mode } from '@sightline/protocol';
import type { CameraState } from '../capture/camera.ts';

/** An event as the agent raises it; the session stamps `ts`. */
export type RaisedEvent = Omit<AgentEvent, 'ts'>;

/** Prefixes "camera <id>: " unless the message already names the camera. */
const named = (camera: string, message: string) =>
  message.startsWith(`camera ${camera}:`) ? message : `camera ${camera}: ${message}`;

/** camera_lost / camera_restored for a camera's state change, or nothing. */
export function cameraEvent(
  camera: string,
  from: CameraState,
  to: CameraState,
  error?: Error,
): RaisedEvent | undefined {
  if (to === 'reconnecting' && from !== 'reconnecting') {
    return {
      kind: 'camera_lost',
      severity: 'warning',
      message: `${named(camera, error?.message ?? 'stopped delivering frames')}; reconnecting`,
      detail: { camera },
    };
  }
  if (to === 'running' && from === 'reconnecting') {
    return {
      kind: 'camera_restored',
      severity: 'info',
      message: `camera ${camera} is delivering frames again`,
      detail: { camera },
    };
  }
  return undefined;
}

/** The outbox dropped its oldest unsent results (quota, age, or a damaged segment). */
export function outboxDropEvent(
  count: number,
  reason: 'bytes' | 'age' | 'corrupt',
  limits: { maxMB: number; maxAgeHours: number },
): RaisedEvent {
  return {
    kind: 'outbox_overflow',
    severity: 'warning',
    message:
      reason === 'corrupt'
        ? 'a damaged outbox segment was skipped; some unsent results were lost'
        : `outbox ${reason === 'bytes' ? `over its ${limits.maxMB} MB quota` : `holds results older than ${limits.maxAgeHours} h`}: dropped the ${count} oldest unsent result(s). Is the hub reachable?`,
    detail: { dropped: count, reason },
  };
}

/** The outbox cannot take a result. */
export function diskFullEvent(stateDir: string, err: Error): RaisedEvent {
  return {
    kind: 'disk_full',
    severity: 'critical',
    message: `cannot write to the outbox in ${stateDir}: ${err.message}. Free disk space or check the state directory.`,
  };
}

/** Parts of one camera that got no usable frame, since the last such event. */
export function partsMissedEvent(camera: string, count: number, why: string, last?: string): RaisedEvent {
  return {
    kind: 'part_missed',
    severity: 'warning',
    message: `camera ${camera}: ${count} part(s) triggered with no usable frame (${why}); they were not inspected. Check the camera's frame rate, the trigger's captureDelayMs and maxOffsetMs, and that the camera is running.`,
    detail: { camera, count, why, ...(last ? { part: last } : {}) },
  };
}

/** Verdicts too late for their reject window, since the last such event. */
export function rejectsLateEvent(camera: string, count: number, worstBy: number, unit: string): RaisedEvent {
  return {
    kind: 'reject_late',
    severity: 'critical',
    message: `camera ${camera}: ${count} verdict(s) came after the part had passed the reject gate (up to ${Math.round(worstBy)} ${unit} past the window); those parts were not acted on. Lengthen the delay (move the gate further down), or lower the line speed.`,
    detail: { camera, count, worst_by: worstBy, unit },
  };
}

/** A product changeover. */
export function recipeChangedEvent(to: string, from: string): RaisedEvent {
  return {
    kind: 'config_changed',
    severity: 'info',
    message: `recipe changed from ${from} to ${to}`,
    detail: { recipe: to, from },
  };
}

export function modeChangedEvent(to: Mode, from: Mode): RaisedEvent {
  return {
    kind: 'config_changed',
    severity: 'info',
    message: `mode ${from} -> ${to}: ${to === 'pilot' ? 'observing only: no action, PLC result or reject is fired' : 'acting on verdicts'}`,
    detail: { mode: to, from },
  };
}

/** A defect threshold changed by a command from the hub, with who asked (the hub names the person). */
export function thresholdChangedEvent(c: {
  recipe: string;
  from: number;
  to: number;
  by?: string;
}): RaisedEvent {
  const who = c.by ?? 'the hub';
  return {
    kind: 'config_changed',
    severity: 'info',
    message: `defect threshold of recipe ${c.recipe} changed from ${c.from} to ${c.to} by ${who}`,
    detail: { setting: 'thresholds.defect', recipe: c.recipe, from: c.from, to: c.to, by: who },
  };
}

/**
 * Events that can come once per part (missed, late) are gathered per key and raised at most once per
 * `intervalMs`, with their count, so a bad minute is one alarm, not thousands.
 */
export function createEventThrottle(publish: (event: RaisedEvent) => void, intervalMs = 10_000) {
  const pending = new Map<string, { count: number; make: (count: number) => RaisedEvent }>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    for (const { count, make } of pending.values()) publish(make(count));
    pending.clear();
  };
  return {
    raise(key: string, make: (count: number) => RaisedEvent) {
      const entry = pending.get(key);
      if (entry) {
        entry.count += 1;
        entry.make = make;
        return;
      }
      if (!timer) {
        // The first one goes out at once; the rest of the interval's are gathered.
        publish(make(1));
        timer = setTimeout(flush, intervalMs);
        timer.unref?.();
        return;
      }
      pending.set(key, { count: 1, make });
    },
    flush() {
      clearTimeout(timer);
      flush();
    },
  };
}
