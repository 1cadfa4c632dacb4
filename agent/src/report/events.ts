import type { AgentEvent } from '@sightline/protocol';
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
