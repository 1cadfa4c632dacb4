// Runtime entry of @sightline/models: what a process that runs models needs (manifest, preprocessing,
// output decoding, image decoding, signature checks, the synthetic part source). Pure TypeScript and
// node:* built-ins only: importing it loads no ONNX Runtime, no training code and no native addon, so a
// lean agent can fall back to onnxruntime-web where onnxruntime-node is missing.
// Training, quantising, evaluation and import tooling: `@sightline/models/tooling`.
export * from './bundle/index.ts';
export { type ManifestIssue, ModelsError, type ModelsErrorCode } from './errors.ts';
export { decodeScore, outputNames } from './evaluate/score.ts';
export { decodeImage, encodePng } from './images/decode.ts';
export { defaultModelDir, type LoadedModel, loadModel, parseManifest, sha256Hex } from './manifest/load.ts';
export { Calibration, Evaluation, Manifest, ManifestInput, ManifestOutput } from './manifest/schema.ts';
export { preprocessFrame } from './preprocess/preprocess.ts';
export { createPreprocessor, type Preprocessor } from './preprocess/preprocessor.ts';
export {
  ed25519PrivateKey,
  ed25519PublicKeys,
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
