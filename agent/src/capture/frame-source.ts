import type { ImageFrame } from '@sightline/models';

/** A frame's model input, computed where the frame was captured (a capture thread). */
export interface PreprocessedInput {
  /** Which model input spec it was made for (see preprocess/): a stale one is recomputed. */
  key: string;
  tensor: Float32Array;
  /** Time preprocessing took, ms. */
  ms: number;
}

/**
 * Epoch-based milliseconds that only move forward: the thread's time origin plus its monotonic clock. Comparable
 * between threads (each origin is the wall clock at its start) and immune to wall-clock steps after that.
 */
export const monotonicMs = (): number => performance.timeOrigin + performance.now();

export interface CapturedFrame {
  /** Frame id, unique per camera. */
  id: string;
  /** Capture time, epoch ms (the device's wall clock: what the result reports). */
  ts: number;
  /** Capture time on a monotonic clock (`monotonicMs()`), for durations a wall-clock step must not skew. */
  at?: number;
  frame: ImageFrame;
  /** Ground truth, when the source knows it (synthetic). */
  truth?: 'ok' | 'defect';
  /** Time spent obtaining the frame, ms. */
  captureMs: number;
  /** Present when the frame was preprocessed beside its capture (threaded sources). */
  input?: PreprocessedInput;
}

/** One camera's frames. `read()` resolves null at the end of a finite source (a file). */
export interface FrameSource {
  readonly kind: string;
  /**
   * Live sources (cameras, streams) keep only the newest frame: a frame the pipeline had no time
   * for is dropped and counted. Recorded sources (files, folders) hand over every frame.
   */
  readonly live: boolean;
  /** Starts a capture session; may be called again after `close` (a reconnect). */
  open(): Promise<void>;
  read(): Promise<CapturedFrame | null>;
  /** Ends the capture session; the source can be opened again. */
  close(): Promise<void>;
  /** Frees what outlives a session (a capture thread); called once, when the camera stops for good. */
  dispose?(): Promise<void>;
  /** Takes back a frame's preprocessed tensor once inference is done with it, to fill again (capture threads). */
  recycle?(frame: CapturedFrame): void;
}
