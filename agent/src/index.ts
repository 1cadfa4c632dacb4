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
export { createThreadedSource } from './capture/thread/threaded-source.ts';
export {
  type AgentConfig,
  type AgentConfigInput,
  loadAgentConfig,
  parseAgentConfig,
} from './config/index.ts';
export { decide, decideScore } from './decide/index.ts';
export { type Check, formatChecks, runDoctor } from './doctor/index.ts';
export { AgentError } from './errors.ts';
export {
  createOrtNodeEngine,
  createOrtWebEngine,
  type EngineSelection,
  type InferenceEngine,
  measureEngine,
  type RuntimeChoice,
  selectEngine,
} from './infer/index.ts';
export { type OutboxContents, readOutbox } from './outbox/index.ts';
export type { DropCounts, DropReason } from './pipeline/drops.ts';
export {
  createOpenCvJpegEncoder,
  createSampleStore,
  listSamples,
  type SampleStore,
} from './samples/index.ts';
export { createBrokerClient, createSession, type Session, type SessionState } from './session/index.ts';
export { type SimulatedAgent, startSimulatedAgent } from './update/simulate.ts';
