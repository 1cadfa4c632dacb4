import { type ImageFrame, type LoadedModel, loadModel, preprocessFrame } from '@sightline/models';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/index.ts';
import { engineFor } from '../infer/engine-for.ts';
import { type Check, errorMessage, fail, pass } from './check.ts';

/** Loads the configured (or bundled) model and checks its manifest and hash. */
export async function checkModel(dir: string): Promise<{ check: Check; model?: LoadedModel }> {
  try {
    const model = await loadModel(dir);
    const { manifest } = model;
    return {
      check: pass(
        'model',
        `${manifest.id} ${manifest.version} (${manifest.input.shape.join('x')}) from ${model.path}`,
      ),
      model,
    };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return {
      check: fail(
        'model',
        `${code ? `${code}: ` : ''}${errorMessage(err)}`,
        `model.dir must hold manifest.json and the model file it names (now: ${dir}); remove model.dir to use the bundled default model`,
      ),
    };
  }
}

/** Loads the inference runtime and runs one frame (a camera's, or a flat grey one) through it. */
export async function checkInference(
  config: AgentConfig,
  model: LoadedModel,
  sample: { camera: string; frame: ImageFrame } | undefined,
  log: Logger,
): Promise<Check> {
  const { manifest } = model;
  try {
    const { engine } = await engineFor(config, model, log);
    try {
      const dims = manifest.input.shape;
      const input = sample
        ? preprocessFrame(sample.frame, manifest.input)
        : new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5);
      await engine.run(input, dims); // the first run allocates; time the second
      const start = performance.now();
      const outputs = await engine.run(input, dims);
      const ms = performance.now() - start;
      const values = Object.values(outputs).flatMap((o) => Array.from(o.data.subarray(0, 1000)));
      if (values.length === 0 || values.some((v) => !Number.isFinite(v))) {
        return fail(
          'inference',
          `${engine.runtime}: the model returned ${values.length === 0 ? 'no values' : 'NaN or infinite values'}`,
          'the model file is probably broken: re-export it, or use the bundled default model',
        );
      }
      const on = sample ? `a frame from camera ${sample.camera}` : 'a grey test frame';
      return pass('inference', `${engine.runtime}: ${ms.toFixed(1)} ms on ${on}`);
    } finally {
      await engine.close();
    }
  } catch (err) {
    return fail(
      'inference',
      `${config.inference.runtime}: ${errorMessage(err)}`,
      config.inference.runtime === 'onnxruntime-node'
        ? 'onnxruntime-node is not installed for this CPU; set inference.runtime: auto (or onnxruntime-web)'
        : 'check that the model runs with `pnpm models evaluate`; set inference.runtime: auto',
    );
  }
}
