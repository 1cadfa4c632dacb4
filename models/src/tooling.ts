// Tooling entry of @sightline/models: training, quantising, evaluation, export and importers. It loads
// onnxruntime-node (and the MobileNetV2 weights package); processes that only run models import
// `@sightline/models` instead.
export { type KerasModel, parseKerasModel } from './backbone/keras.ts';
export { BACKBONE_SOURCE, loadMobileNetV2 } from './backbone/mobilenet.ts';
export { addKerasLayers } from './backbone/to-onnx.ts';
export { type BuildBundleOptions, type BuiltBundle, buildBundle, type GoldenImage } from './bundle/build.ts';
export { writeModelVariant } from './bundle/variant.ts';
export { type EvaluateOptions, type EvaluationResult, evaluateModel, rocCurve } from './evaluate/evaluate.ts';
export { renderEvaluationPng } from './evaluate/plot.ts';
export { createGraph, type GraphBuilder, IR_VERSION, OPSET } from './export/graph.ts';
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
export { type Latency, type LatencyOptions, measureLatency, type Runtime } from './quantize/latency.ts';
export { buildMobileNetV2, type MobileNetOptions } from './quantize/mobilenet.ts';
export { type QuantizeOptions, type QuantizeReport, quantizeStatic } from './quantize/quantize.ts';
export { type BuildOptions, type BuildResult, buildDefaultModel, FP32_TWIN } from './train/build-default.ts';
export { createFrameRunner, type FrameRunner, medianLatencyMs } from './train/extract.ts';
export { readImage } from './train/image-folder.ts';
export { auroc, type BinaryMetrics, binaryMetrics } from './train/metrics.ts';
export { type TrainFolderOptions, trainFromFolder } from './train/train-folder.ts';
