import type { PartRef, RegionResult } from '@sightline/protocol';
import type { CapturedFrame } from '../capture/index.ts';
import type { Decision } from '../decide/index.ts';
import type { Inferred } from '../infer/stage.ts';
import type { TriggerEvent } from '../trigger/part-selector.ts';

/** Time each stage took for one frame, ms; `total` runs from capture to verdict. */
export interface StageLatency {
  capture: number;
  preprocess: number;
  infer: number;
  total: number;
}

/** One part (or free-running frame) after decide: what act and record work from. */
export interface Inspection {
  camera: string;
  captured: CapturedFrame;
  /** The deciding region's inference (the highest score). */
  inferred: Inferred;
  /** The part's verdict: any region's defect is a defect. */
  decision: Decision;
  latency: StageLatency;
  /** Triggered inspection: what announced the part, and the chosen frame's capture delay. */
  trigger?: TriggerEvent & { delay: number };
  part?: PartRef;
  recipe?: string;
  /** Each region's outcome, when the camera has regions. */
  regions?: RegionResult[];
  /** Ground truth of the inspected part, when the source knows it. */
  truth?: 'ok' | 'defect';
}
