export { type KerasModel, parseKerasModel } from './backbone/keras.ts';
export { BACKBONE_SOURCE, loadMobileNetV2 } from './backbone/mobilenet.ts';
export { addKerasLayers } from './backbone/to-onnx.ts';
export { type ManifestIssue, ModelsError, type ModelsErrorCode } from './errors.ts';
export { type EvaluateOptions, type EvaluationResult, evaluateModel, rocCurve } from './evaluate/evaluate.ts';
export { renderEvaluationPng } from './evaluate/plot.ts';
export { decodeScore, outputNames } from './evaluate/score.ts';
export { createGraph, type GraphBuilder, IR_VERSION, OPSET } from './export/graph.ts';
export { decodeImage, encodePng } from './images/decode.ts';
export {
  type LabelledFile,
  type LabelledImage,
  listLabelledImages,
  loadLabelledImages,
  type Split,
} from './images/load.ts';
export { type SyntheticSetOptions, writeSyntheticSet } from './images/synthetic-set.ts';
export { type TileSetOptions, writeTileSet } from './images/tile-set.ts';
export type { DescribeOptions, ImportKind } from './importers/describe.ts';
export { type ImportOptions, importModel } from './importers/import.ts';
export { inspectOnnx, type OnnxInfo } from './importers/inspect.ts';
export { defaultModelDir, type LoadedModel, loadModel, parseManifest, sha256Hex } from './manifest/load.ts';
export { Calibration, Evaluation, Manifest, ManifestInput, ManifestOutput } from './manifest/schema.ts';
export { preprocessFrame } from './preprocess/preprocess.ts';
export { type Latency, type LatencyOptions, measureLatency, type Runtime } from './quantize/latency.ts';
export { buildMobileNetV2, type MobileNetOptions } from './quantize/mobilenet.ts';
export { type QuantizeOptions, type QuantizeReport, quantizeStatic } from './quantize/quantize.ts';
export {
  generateSigningKey,
  keyId,
  type ModelSignature,
  SIGNATURE_FILE,
  signedMessage,
  signModel,
  verifyModelSignature,
} from './sign/sign.ts';
export { DEFECT_KINDS, type DefectKind, type ImageFrame } from './synthetic/frame.ts';
export { type RenderOptions, renderPart } from './synthetic/render.ts';
export { createRng, type Rng } from './synthetic/rng.ts';
export {
  createPartStream,
  type PartStream,
  type PartStreamOptions,
  type SyntheticPart,
} from './synthetic/stream.ts';
export { type BuildOptions, type BuildResult, buildDefaultModel, FP32_TWIN } from './train/build-default.ts';
export { createFrameRunner, type FrameRunner, medianLatencyMs } from './train/extract.ts';
export { readImage } from './train/image-folder.ts';
export { auroc, type BinaryMetrics, binaryMetrics } from './train/metrics.ts';
export { type TrainFolderOptions, trainFromFolder } from './train/train-folder.ts';
