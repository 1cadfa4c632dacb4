import {
  type GoldenReport,
  type ImageFrame,
  preprocessFrame,
  runGolden,
  type VerifiedBundle,
} from '@sightline/models';
import type { SelfTest } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/index.ts';
import { loadActiveModel } from '../infer/active-model.ts';
import { decodeOutputs } from '../infer/decode.ts';
import type { ActiveModel } from '../infer/model-slot.ts';
import { UpdateRefused } from './checks.ts';

/** Turns a verified bundle into a model ready to run (engine loaded). Tests and simulations pass their own. */
export type BundleLoader = (bundle: VerifiedBundle, path: string) => Promise<ActiveModel>;

/**
 * Loads a bundle's model with the runtime already in use (`runtime`), so a candidate is not measured again
 * at every update.
 */
export function createBundleLoader(config: AgentConfig, runtime: () => string, log: Logger): BundleLoader {
  return (bundle, path) => {
    const choice = runtime() as AgentConfig['inference']['runtime'];
    const bytes = bundle.files.get(bundle.manifest.file) as Uint8Array;
    return loadActiveModel(
      { ...config, inference: { ...config.inference, runtime: choice } },
      { manifest: bundle.manifest, bytes, path },
      log,
    );
  };
}

/** One golden image through the agent's own path: preprocessing, the engine, output decoding. */
export async function scoreFrame(model: ActiveModel, frame: ImageFrame): Promise<number> {
  const { input } = model.manifest;
  const outputs = await model.engine.run(preprocessFrame(frame, input), input.shape);
  return decodeOutputs(outputs, model.decoding, {
    inputW: input.shape[3],
    inputH: input.shape[2],
    frameW: frame.width,
    frameH: frame.height,
  }).score;
}

/** The bundle's golden images through the loaded model: scores within tolerance, and the time each took. */
export function selfTest(model: ActiveModel, bundle: VerifiedBundle): Promise<GoldenReport> {
  return runGolden(bundle.golden, bundle.files, (frame) => scoreFrame(model, frame), { repeats: 3 });
}

/**
 * Loads a verified bundle's model and runs its golden images; a model that misses them is closed again and
 * refused (SL_SELFTEST_FAILED), so only a model that passed ever sits in the spare slot.
 */
export async function loadTested(
  bundle: VerifiedBundle,
  path: string,
  o: { load: BundleLoader; selfTest: typeof selfTest; afterLoad(): void },
): Promise<{ model: ActiveModel; selftest: SelfTest }> {
  const model = await o.load(bundle, path);
  o.afterLoad();
  const report = await o.selfTest(model, bundle);
  const selftest = {
    images: report.images,
    passed: report.passed,
    max_diff: report.max_diff,
    p50_ms: report.p50_ms,
  };
  if (!report.passed) {
    await model.engine.close();
    throw new UpdateRefused(
      'SL_SELFTEST_FAILED',
      `${bundle.header.id} ${bundle.header.version} failed its golden images: largest score difference ${report.max_diff.toFixed(4)} exceeds ${bundle.golden.tolerance}`,
    );
  }
  return { model, selftest };
}
