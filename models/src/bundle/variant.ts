import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGraph } from '../export/graph.ts';
import { defaultModelDir, sha256Hex } from '../manifest/load.ts';
import type { Manifest } from '../manifest/schema.ts';

/**
 * Writes a model directory to rehearse a rollout with: the default model under another version, or (with
 * `constantScore`) a model of the same input that gives every frame that score — a model that disagrees
 * with the default one, for rehearsing gates and automatic rollback.
 */
export async function writeModelVariant(
  outDir: string,
  opts: { version: string; constantScore?: number; threshold?: number },
): Promise<Manifest> {
  const base = defaultModelDir();
  const manifest = JSON.parse(await readFile(join(base, 'manifest.json'), 'utf8')) as Manifest;
  await cp(base, outDir, { recursive: true });
  let onnx = await readFile(join(base, manifest.file));
  if (opts.constantScore !== undefined) {
    const [, c] = manifest.input.shape;
    const g = createGraph('constant-score');
    g.input(manifest.input.name, [...manifest.input.shape]);
    g.initializerInt64('flat', [1, c], [2]);
    g.initializer('w', new Float32Array(c), [c, 1]);
    const logit = Math.log(opts.constantScore / (1 - opts.constantScore));
    g.initializer('b', [logit], [1]);
    const pooled = g.node('GlobalAveragePool', [manifest.input.name], 'pooled');
    const flat = g.node('Reshape', [pooled, 'flat'], 'flat_out');
    const z = g.node('Gemm', [flat, 'w', 'b'], 'logit');
    g.node('Sigmoid', [z], manifest.output.name);
    g.output(manifest.output.name, [1, 1]);
    onnx = Buffer.from(g.toBytes({ producer: 'sightline writeModelVariant' }));
  }
  const next: Manifest = {
    ...manifest,
    version: opts.version,
    sha256: sha256Hex(onnx),
    threshold: opts.threshold ?? manifest.threshold,
    description:
      opts.constantScore === undefined ? manifest.description : `constant score ${opts.constantScore}`,
  };
  await writeFile(join(outDir, manifest.file), onnx);
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(next, null, 2)}\n`);
  return next;
}
