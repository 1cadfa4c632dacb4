import type { ManifestInput } from '@sightline/models';
import type { Logger } from 'pino';
import { createFrameSource, type FrameSource } from '../capture/index.ts';
import { canThread, createThreadedSource } from '../capture/thread/threaded-source.ts';
import type { CameraConfig } from '../config/index.ts';

/** A camera's frame source: in a capture thread that also preprocesses for `input` where it can, else in this thread. */
export function sourceFor(
  camera: CameraConfig,
  input: ManifestInput,
  log: Logger,
  limit?: number,
): FrameSource {
  if (camera.thread === 'main' || !canThread(camera.source))
    return createFrameSource(camera.id, camera.source, limit);
  return createThreadedSource({
    camera: camera.id,
    source: camera.source,
    input,
    ...(limit === undefined ? {} : { limit }),
    onBundleFailed: (err) =>
      log.warn(
        { event: 'capture_thread_unbundled', camera: camera.id, err: err.message },
        'capture thread runs through tsx (more memory): bundling it failed',
      ),
  });
}
