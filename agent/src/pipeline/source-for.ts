import type { ManifestInput } from '@sightline/models';
import { createFrameSource, type FrameSource } from '../capture/index.ts';
import type { CaptureThread } from '../capture/thread/capture-thread.ts';
import { canThread, createThreadedSource } from '../capture/thread/threaded-source.ts';
import type { CameraConfig } from '../config/index.ts';

/** A camera's frame source: in the capture thread, which also preprocesses for `input`, where it can; else in this thread. */
export function sourceFor(
  camera: CameraConfig,
  input: ManifestInput,
  thread: CaptureThread,
  limit?: number,
): FrameSource {
  if (camera.thread === 'main' || !canThread(camera.source))
    return createFrameSource(camera.id, camera.source, limit);
  return createThreadedSource({
    camera: camera.id,
    source: camera.source,
    input,
    thread,
    ...(limit === undefined ? {} : { limit }),
  });
}
