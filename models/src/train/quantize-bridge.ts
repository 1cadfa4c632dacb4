import { ModelsError } from '../errors.ts';

/** The quantiser's contract (models/src/quantize, owned by the quantisation work). */
export type QuantizeStatic = (opts: {
  model: Uint8Array;
  calibration: Float32Array[];
  inputName: string;
  dims: number[];
  perChannel?: boolean;
  onProgress?: (done: number, total: number) => void;
}) => Promise<{ model: Uint8Array; report: object }>;

/** Loads `quantizeStatic` from ../quantize/index.ts when that module exists, else a clear error. */
export async function loadQuantizeStatic(): Promise<QuantizeStatic> {
  const url = new URL('../quantize/index.ts', import.meta.url).href;
  let mod: { quantizeStatic?: unknown };
  try {
    mod = (await import(url)) as { quantizeStatic?: unknown };
  } catch (err) {
    throw new ModelsError(
      'SL_QUANTIZE_UNAVAILABLE',
      `--int8: static int8 quantisation (models/src/quantize) is not available yet (${(err as Error).message.split('\n')[0]}); train without --int8 for an fp32 model`,
    );
  }
  if (typeof mod.quantizeStatic !== 'function') {
    throw new ModelsError(
      'SL_QUANTIZE_UNAVAILABLE',
      '--int8: models/src/quantize does not export quantizeStatic yet',
    );
  }
  return mod.quantizeStatic as QuantizeStatic;
}
