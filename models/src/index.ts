export { type ManifestIssue, ModelsError, type ModelsErrorCode } from './errors.ts';
export { createGraph, type GraphBuilder, IR_VERSION, OPSET } from './export/graph.ts';
export { defaultModelDir, type LoadedModel, loadModel, parseManifest, sha256Hex } from './manifest/load.ts';
export { Evaluation, Manifest, ManifestInput, ManifestOutput } from './manifest/schema.ts';
export { preprocessFrame } from './preprocess/preprocess.ts';
export { DEFECT_KINDS, type DefectKind, type ImageFrame } from './synthetic/frame.ts';
export { type RenderOptions, renderPart } from './synthetic/render.ts';
export { createRng, type Rng } from './synthetic/rng.ts';
export {
  createPartStream,
  type PartStream,
  type PartStreamOptions,
  type SyntheticPart,
} from './synthetic/stream.ts';
export { type BuildOptions, type BuildResult, buildDefaultModel } from './train/build-default.ts';
export { auroc, type BinaryMetrics, binaryMetrics } from './train/metrics.ts';
