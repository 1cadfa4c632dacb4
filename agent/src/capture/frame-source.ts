import type { ImageFrame } from '@sightline/models';

export interface CapturedFrame {
  /** Frame id, unique per camera. */
  id: string;
  /** Capture time, epoch ms. */
  ts: number;
  frame: ImageFrame;
  /** Ground truth, when the source knows it (synthetic). */
  truth?: 'ok' | 'defect';
  /** Time spent obtaining the frame, ms. */
  captureMs: number;
}

/** One camera's frames. `read()` resolves null at the end of a finite source (a file). */
export interface FrameSource {
  readonly kind: string;
  /**
   * Live sources (cameras, streams) keep only the newest frame: a frame the pipeline had no time
   * for is dropped and counted. Recorded sources (files, folders) hand over every frame.
   */
  readonly live: boolean;
  open(): Promise<void>;
  read(): Promise<CapturedFrame | null>;
  close(): Promise<void>;
}
