// Bundles the agent's TypeScript into one plain-JS file with esbuild, so the agent runs with no
// TypeScript loader in its process. Plain JS itself: it runs before any TypeScript can be loaded.
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Writes `code` to `<temp dir>/<name>-<content hash>.mjs` unless that file already holds it, and returns
 * its path. Written to a temporary name and renamed, so agents starting at once never read half a file.
 */
export async function writeCached(name, code) {
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = `${tmpdir()}/${name}-${hash}.mjs`;
  const existing = await readFile(file).catch(() => undefined);
  if (!existing?.equals(code)) {
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, code);
    await rename(tmp, file);
  }
  return file;
}

/**
 * An esbuild plugin for a bundle that lives in the temp dir yet behaves as the sources do:
 * - packages (other than the workspace's `@sightline/*`, which are bundled) stay outside, imported by
 *   the absolute path Node would resolve them to — native addons, wasm files and optional packages
 *   load from where they are installed; one missing (an optional runtime) fails when imported, as before;
 * - each source file keeps its own `import.meta.url` and `import.meta.dirname` (default model, workers).
 */
const asSources = {
  name: 'sightline-as-sources',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'sightline-inner' || args.path.startsWith('@sightline/')) return undefined;
      const found = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'sightline-inner',
      });
      // Builtins stay as written; a package not installed here stays a bare import that fails when used.
      if (found.errors.length > 0 || found.external || !found.path)
        return { path: args.path, external: true };
      return { path: found.path, external: true };
    });
    build.onLoad({ filter: /\.(ts|mjs)$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const url = pathToFileURL(args.path).href;
      return {
        loader: args.path.endsWith('.ts') ? 'ts' : 'js',
        contents: source
          .replaceAll('import.meta.url', JSON.stringify(url))
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path)),
      };
    });
  },
};

/**
 * The agent CLI (`src/cli/index.ts`) as one plain-JS file in the temp dir; returns its path. Bundling
 * takes well under a second; the esbuild service is stopped afterwards, so it takes no memory while
 * the agent runs.
 */
export async function agentBundle() {
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      entryPoints: [fileURLToPath(new URL('../src/cli/index.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      // Resolve packages as Node does for `import` (no "module" condition, "main" only).
      conditions: [],
      mainFields: ['main'],
      plugins: [asSources],
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]?.contents;
    if (!code) throw new Error('esbuild produced no output for the agent');
    return await writeCached('sightline-agent', code);
  } finally {
    await esbuild.stop();
  }
}
