import { decodeScore, runGolden, type VerifiedBundle } from '@sightline/models';
import type { SelfTest } from '@sightline/protocol';

export interface BundleCheck extends SelfTest {
  outputs: Array<{ file: string; expected: number; got: number }>;
  /** Time to create the ONNX Runtime session, ms. */
  load_ms: number;
}

/**
 * Loads the bundle's model once in onnxruntime-node and runs its golden images (5 times each, for the
 * latency). onnxruntime-node is imported here, on first use, so a hub that never receives a bundle never
 * loads it.
 */
export async function checkBundle(bundle: VerifiedBundle): Promise<BundleCheck> {
  const { createFrameRunner } = await import('@sightline/models/tooling');
  const { manifest } = bundle;
  const started = performance.now();
  const runner = await createFrameRunner(
    bundle.files.get(manifest.file) as Uint8Array,
    manifest.input,
    manifest.output.name,
    { threads: 1 },
  );
  const load_ms = performance.now() - started;
  try {
    const report = await runGolden(
      bundle.golden,
      bundle.files,
      async (frame) => decodeScore(manifest.output, await runner.run(frame)),
      { repeats: 5 },
    );
    return { ...report, load_ms };
  } finally {
    await runner.release();
  }
}
