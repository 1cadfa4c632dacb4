// Signed model bundles: format, verification, golden images, rollback orders (runtime: node:crypto only).
// Building a bundle runs onnxruntime-node and lives in build.ts (tooling entry).
export { chunkBundle } from './chunks.ts';
export { BUNDLE_MAGIC, type BundleSignature, type ParsedBundle, packBundle, parseBundle } from './format.ts';
export { type GoldenOutcome, type GoldenReport, runGolden } from './golden.ts';
export {
  BUNDLE_EXTENSION,
  BUNDLE_FORMAT,
  BundleFile,
  BundleHeader,
  GOLDEN_FILE,
  GoldenSet,
} from './header.ts';
export { canonicalJson, signRollbackOrder, verifyRollbackOrder } from './rollback.ts';
export { bundleSignedMessage, checkBundleSignature, signBundleHeader } from './signature.ts';
export { type VerifiedBundle, verifyBundle } from './verify.ts';
