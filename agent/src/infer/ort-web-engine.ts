import { AgentError } from '../errors.ts';
import type { InferenceEngine } from './engine.ts';
import { serialEngine } from './serial-session.ts';

export interface OrtWebEngineOptions {
  model: Uint8Array;
  inputName: string;
  outputName: string;
  /** wasm threads; 1 keeps the agent's footprint predictable. */
  threads?: number;
}

/** onnxruntime-web (wasm, SIMD) engine; runs anywhere Node runs. Loaded on first use only. */
export async function createOrtWebEngine(opts: OrtWebEngineOptions): Promise<InferenceEngine> {
  let ort: typeof import('onnxruntime-web');
  try {
    ort = await import('onnxruntime-web');
  } catch (cause) {
    throw new AgentError(
      'SL_MODEL_LOAD_FAILED',
      `onnxruntime-web is not installed: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  ort.env.wasm.numThreads = opts.threads ?? 1;
  let session: import('onnxruntime-web').InferenceSession;
  try {
    session = await ort.InferenceSession.create(opts.model, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
  } catch (cause) {
    throw new AgentError(
      'SL_MODEL_LOAD_FAILED',
      `onnxruntime-web cannot load the model: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  if (!session.inputNames.includes(opts.inputName) || !session.outputNames.includes(opts.outputName)) {
    throw new AgentError(
      'SL_MODEL_LOAD_FAILED',
      `model has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], ` +
        `but its manifest names input "${opts.inputName}" and output "${opts.outputName}"`,
    );
  }
  return serialEngine('onnxruntime-web', session, (input, dims) => ({
    [opts.inputName]: new ort.Tensor('float32', input, dims as number[]),
  }));
}
