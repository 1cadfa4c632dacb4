export {
  type Action,
  type ActionContext,
  type ActionOutcome,
  createAction,
  createActions,
} from './act/index.ts';
export { AGENT_VERSION, type Agent, type AgentOptions, type AgentSummary, startAgent } from './agent.ts';
export type { CapturedFrame, FrameSource } from './capture/index.ts';
export { createFrameSource, createOpenCvSource, createSyntheticSource, loadOpenCv } from './capture/index.ts';
export {
  type AgentConfig,
  type AgentConfigInput,
  loadAgentConfig,
  parseAgentConfig,
} from './config/index.ts';
export { decide } from './decide/index.ts';
export { type Check, formatChecks, runDoctor } from './doctor/index.ts';
export { AgentError } from './errors.ts';
export {
  createOrtNodeEngine,
  createOrtWebEngine,
  type InferenceEngine,
  measureEngine,
  type RuntimeChoice,
  selectEngine,
} from './infer/index.ts';
export { type OutboxContents, readOutbox } from './outbox/index.ts';
export {
  createOpenCvJpegEncoder,
  createSampleStore,
  listSamples,
  type SampleStore,
} from './samples/index.ts';
