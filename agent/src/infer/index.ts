export type { InferenceEngine } from './engine.ts';
export { createOrtWebEngine } from './ort-web-engine.ts';
