import type { ManifestInput } from '@sightline/models';
import type { SourceConfig } from '../../config/index.ts';
import type { CapturedFrame } from '../frame-source.ts';

/** One camera hosted by the capture thread. */
export interface ThreadCamera {
  camera: string;
  source: SourceConfig;
  limit?: number;
  /** Preprocess each frame for this model input beside its capture. */
  input?: ManifestInput;
}

/**
 * To the thread. `add` hosts a camera (its source is built there), `remove` drops it; `spare` is a
 * tensor buffer the main thread is done with, for the thread to fill again.
 */
export type CaptureRequest =
  | { id: number; camera: string; op: 'add'; spec: ThreadCamera }
  | { id: number; camera: string; op: 'open' | 'read' | 'close' | 'remove'; spare?: ArrayBuffer };

export type CaptureReply =
  | { id: number; ok: true; frame?: CapturedFrame | null }
  | { id: number; ok: false; error: { message: string; code?: string } };
