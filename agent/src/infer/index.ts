export type { InferenceEngine, OutputTensor } from './engine.ts';
export { createOrtNodeEngine } from './ort-node-engine.ts';
export { createOrtWebEngine, type OrtWebEngineOptions } from './ort-web-engine.ts';
export { type EngineSelection, measureEngine, type RuntimeChoice, selectEngine } from './select.ts';
