import type { CapturedFrame } from '../capture/index.ts';
import type { Decision } from '../decide/index.ts';
import type { Inferred } from '../infer/stage.ts';

/** Time each stage took for one frame, ms; `total` runs from capture to verdict. */
export interface StageLatency {
  capture: number;
  preprocess: number;
  infer: number;
  total: number;
}

/** One frame after decide: what act and record work from. */
export interface Inspection {
  camera: string;
  captured: CapturedFrame;
  inferred: Inferred;
  decision: Decision;
  latency: StageLatency;
  /** The agent's mode when act ran (act/mode.ts): in pilot nothing was fired. */
  mode?: 'pilot' | 'live';
}
