import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
/** Packages the runtime entry must never load: native ONNX Runtime, wasm ONNX Runtime, training weights, ONNX protobufs. */
const HEAVY = ['onnxruntime-node', 'onnxruntime-web', 'nsfwjs', 'onnx-proto'];

/** A module hook that makes `HEAVY` fail to resolve, as on a device where they are not installed. */
const hook = `data:text/javascript,${encodeURIComponent(`
  const heavy = ${JSON.stringify(HEAVY)};
  export async function resolve(specifier, context, next) {
    if (heavy.some((h) => specifier === h || specifier.startsWith(h + '/'))) {
      const err = new Error('Cannot find package ' + specifier + ' (blocked by the lean-runtime test)');
      err.code = 'ERR_MODULE_NOT_FOUND';
      throw err;
    }
    return next(specifier, context);
  }`)}`;
const register = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module'; register(${JSON.stringify(hook)});`,
)}`;

function runWithout(script: string) {
  return spawnSync(
    process.execPath,
    ['--import', register, '--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 180_000, // a hang guard: a loaded machine can take long to start Node and tsx
    },
  );
}

describe('runtime entry', () => {
  it('loads and runs (manifest, preprocessing, synthetic parts) with no ONNX Runtime or training package', () => {
    const run = runWithout(`
      const m = await import('./src/index.ts');
      const model = await m.loadModel(m.defaultModelDir());
      const part = m.createPartStream({ seed: 1, defectRate: 0.5, width: 64, height: 64 }).next();
      const tensor = m.createPreprocessor(model.manifest.input)(part.frame);
      console.log(JSON.stringify({ id: model.manifest.id, n: tensor.length }));
    `);
    expect(run.stderr).toBe('');
    // The default model takes 1×3×192×192.
    expect(JSON.parse(run.stdout.trim())).toEqual({ id: 'default', n: 3 * 192 * 192 });
  });

  it('the tooling entry does need them (so the hook above really blocks)', () => {
    const run = runWithout(`await import('./src/tooling.ts');`);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/blocked by the lean-runtime test/);
  });
});
