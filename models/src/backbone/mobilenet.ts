import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ModelsError } from '../errors.ts';
import { type KerasModel, parseKerasModel } from './keras.ts';

/**
 * Where the pretrained weights come from: the MIT-licensed `nsfwjs` npm package ships a Keras MobileNetV2
 * (α = 1.0, 224², ImageNet-initialised, fine-tuned on its 5 classes) as a tfjs layers model with uint8
 * weight quantisation, wrapped in UMD modules. We read those files from node_modules: no network.
 */
export const BACKBONE_SOURCE = {
  package: 'nsfwjs',
  version: '4.4.0',
  licence: 'MIT',
  files: ['dist/models/mobilenet_v2/model.min.js', 'dist/models/mobilenet_v2/group1-shard1of1.min.js'],
  /** Pixels the network was trained on: RGB scaled to [0, 1] (nsfwjs divides by 255). */
  input: { colour: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] },
} as const;

/** How graphs built on this backbone credit it (ONNX doc strings). */
export const BACKBONE_CREDIT = `MobileNetV2 (${BACKBONE_SOURCE.package}@${BACKBONE_SOURCE.version}, ${BACKBONE_SOURCE.licence})`;

function packageDir(): string {
  const require = createRequire(import.meta.url);
  try {
    // The package's exports map hides package.json; its CommonJS entry sits at dist/cjs/index.js.
    return join(dirname(require.resolve(BACKBONE_SOURCE.package)), '..', '..');
  } catch {
    throw new ModelsError(
      'SL_BACKBONE_NOT_FOUND',
      `the pretrained backbone comes from the npm package "${BACKBONE_SOURCE.package}", which is not installed; run \`pnpm install\` in the repository`,
    );
  }
}

/** A UMD file `!function(e){…module.exports=e()…}` evaluated with a private `module`. */
async function loadUmd(path: string): Promise<unknown> {
  const source = await readFile(path, 'utf8');
  const module = { exports: {} as unknown };
  new Function('module', 'exports', 'define', source)(module, module.exports, undefined);
  return module.exports;
}

/** Loads MobileNetV2 with dequantised float32 weights from the `nsfwjs` package files. */
export async function loadMobileNetV2(dir: string = packageDir()): Promise<KerasModel> {
  const [modelFile, shardFile] = BACKBONE_SOURCE.files;
  const json = await loadUmd(join(dir, modelFile));
  const shard = await loadUmd(join(dir, shardFile));
  if (typeof shard !== 'string') {
    throw new ModelsError('SL_BACKBONE_INVALID', `${shardFile}: expected a base64 string export`);
  }
  return parseKerasModel(json, Buffer.from(shard, 'base64'));
}
