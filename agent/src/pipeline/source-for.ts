import type { ManifestInput } from '@sightline/models';
import { createFrameSource, type FrameSource } from '../capture/index.ts';
import type { CaptureThread } from '../capture/thread/capture-thread.ts';
import { canThread, createThreadedSource } from '../capture/thread/threaded-source.ts';
import type { AgentConfig, CameraConfig } from '../config/index.ts';

/**
 * A camera's frame source: in the capture thread where it can. The thread also preprocesses each frame
 * for `input` when every frame is inspected whole (free-run, no regions in any recipe); a triggered
 * camera's frames are mostly not parts, and a region is cut out before preprocessing.
 */
export function sourceFor(
  camera: CameraConfig,
  input: ManifestInput,
  thread: CaptureThread,
  config: Pick<AgentConfig, 'recipes'>,
  limit?: number,
): FrameSource {
  if (camera.thread === 'main' || !canThread(camera.source))
    return createFrameSource(camera.id, camera.source, limit);
  const whole =
    camera.trigger.kind === 'free-run' &&
    camera.regions.length === 0 &&
    config.recipes.every((r) => !r.cameras[camera.id]?.regions?.length);
  return createThreadedSource({
    camera: camera.id,
    source: camera.source,
    ...(whole ? { input } : {}),
    thread,
    ...(limit === undefined ? {} : { limit }),
  });
}
