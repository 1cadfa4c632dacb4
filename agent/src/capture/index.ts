import type { SourceConfig } from '../config/index.ts';
import { createConveyorSource } from './conveyor/conveyor-source.ts';
import { createFolderSource } from './folder-source.ts';
import type { FrameSource } from './frame-source.ts';
import { createOpenCvSource } from './opencv-source.ts';
import { createSyntheticSource } from './synthetic-source.ts';

export { createConveyorSource } from './conveyor/conveyor-source.ts';
export { createFolderSource } from './folder-source.ts';
export type { CapturedFrame, FrameSource, LineSignals, PartInView } from './frame-source.ts';
export { createOpenCvSource, isLiveUri, loadOpenCv } from './opencv-source.ts';
export { createSyntheticSource } from './synthetic-source.ts';

/** Builds the frame source a camera's config asks for. */
export function createFrameSource(camera: string, source: SourceConfig, limit?: number): FrameSource {
  switch (source.kind) {
    case 'synthetic':
      return createSyntheticSource({ ...source, ...(limit === undefined ? {} : { limit }) });
    case 'opencv':
      return createOpenCvSource({ uri: source.uri, camera, fps: source.fps, live: source.live });
    case 'folder':
      return createFolderSource({ path: source.path, camera, loop: source.loop, fps: source.fps });
    case 'conveyor': {
      const { kind: _, photoEyeX, idPrefix, startTs, ...rest } = source;
      return createConveyorSource({
        ...rest,
        photoEyeX: photoEyeX ?? source.width / 2,
        idPrefix: idPrefix ?? `P${source.seed}-`,
        ...(startTs === undefined ? {} : { startTs }),
        ...(limit === undefined ? {} : { limit }),
      });
    }
  }
}
