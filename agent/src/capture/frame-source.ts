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
 * What the line's sensors said by the time a frame was captured — a camera's I/O chunk data (line
 * status, counter, encoder) or the conveyor simulation's. Times are on the frames' clock.
 */
export interface LineSignals {
  /** Photo-eye edges since the previous frame, with the encoder count at each. */
  photoEye?: { ts: number; encoder?: number }[];
  /** The encoder count at this frame's capture. */
  encoder?: number;
  /** Product changes the line announced since the previous frame, in order. */
  recipe?: { ts: number; recipe: string }[];
  /** The hardware trigger that exposed this frame (a triggered camera). */
  trigger?: number;
}

/** A part in view and its ground truth, when the source knows it (simulation). */
export interface PartInView {
  id: string;
  truth: 'ok' | 'defect';
  recipe?: string;
  /** Its centre in the frame, px. */
  x: number;
  y: number;
}

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
  /** Present when the frame was preprocessed beside its capture (threaded sources). */
  input?: PreprocessedInput;
  signals?: LineSignals;
  /** Ground truth of every part in view (simulation); `truth` is then the part nearest the frame's centre. */
  scene?: PartInView[];
}

/** One camera's frames. `read()` resolves null at the end of a finite source (a file). */
export interface FrameSource {
  readonly kind: string;
  /**
   * Live sources (cameras, streams) keep only the newest frame: a frame the pipeline had no time
   * for is dropped and counted. Recorded sources (files, folders) hand over every frame.
   */
  readonly live: boolean;
  /**
   * Frame times come from a simulated clock (a conveyor simulation run faster than real time): the
   * line's clock — trigger matching, reject timing — then follows the frames, not the wall clock.
   */
  readonly simulated?: boolean;
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
