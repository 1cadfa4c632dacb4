import type { ManifestInput } from '@sightline/models';
import type { SourceConfig } from '../../config/index.ts';
import type { CapturedFrame } from '../frame-source.ts';

/** What a capture thread is started with. */
export interface CameraThreadData {
  camera: string;
  source: SourceConfig;
  limit?: number;
  /** Preprocess each frame for this model input beside its capture. */
  input?: ManifestInput;
}

export type CameraThreadRequest = { id: number; op: 'open' | 'read' | 'close' };

export type CameraThreadReply =
  | { id: number; ok: true; frame?: CapturedFrame | null }
  | { id: number; ok: false; error: { message: string; code?: string } };
