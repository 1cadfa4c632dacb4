import { AgentError } from '../errors.ts';
import type { InferenceEngine } from './engine.ts';
import type { OrtWebEngineOptions } from './ort-web-engine.ts';
import { serialEngine } from './serial-session.ts';

/** onnxruntime-node (native CPU): several times faster than wasm, and where int8 models pay. */
export async function createOrtNodeEngine(opts: OrtWebEngineOptions): Promise<InferenceEngine> {
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch (cause) {
    throw new AgentError(
      'SL_MODEL_LOAD_FAILED',
      `onnxruntime-node is not installed for this CPU/OS (${process.platform}-${process.arch}): ${(cause as Error).message}`,
      { cause },
    );
  }
  let session: import('onnxruntime-node').InferenceSession;
  try {
    session = await ort.InferenceSession.create(opts.model, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: opts.threads ?? 1,
      interOpNumThreads: 1,
    });
  } catch (cause) {
    throw new AgentError(
      'SL_MODEL_LOAD_FAILED',
      `onnxruntime-node cannot load the model: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  return serialEngine('onnxruntime-node', session, (input, dims) => ({
    [opts.inputName]: new ort.Tensor('float32', input, dims as number[]),
  }));
}
