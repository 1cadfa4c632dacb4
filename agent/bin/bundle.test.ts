import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { agentBundle } from './bundle.mjs';

const run = promisify(execFile);
const src = join(import.meta.dirname, '..', 'src');

describe('the agent bundle', () => {
  it('runs the CLI as plain JS, with packages imported from where they are installed', async () => {
    const file = await agentBundle();
    expect(file.startsWith(tmpdir())).toBe(true);
    const code = await readFile(file, 'utf8');
    // Packages stay outside, by absolute path (native and wasm runtimes load from their own directory).
    const imports = [...code.matchAll(/(?:from |import\()"([^"]+)"/g)].map((m) => m[1] ?? '');
    const packages = imports.filter((p) => !p.startsWith('node:'));
    expect(packages).toContainEqual(expect.stringMatching(/\/node_modules\/mqtt\//));
    expect(packages).toContainEqual(expect.stringMatching(/\/node_modules\/onnxruntime-node\//));
    for (const p of packages) expect(p.startsWith('/'), p).toBe(true);
    // Each source keeps its own import.meta.url: the runtime measurement's worker sits beside select.ts.
    expect(code).toContain(JSON.stringify(pathToFileURL(join(src, 'infer', 'select.ts')).href));
    expect(code).not.toContain('import.meta.url');
    // And it runs: the example config, validated, with defaults filled in.
    const example = join(import.meta.dirname, '..', 'install', 'agent.example.yaml');
    const { stdout } = await run(process.execPath, [file, 'validate', '--config', example]);
    expect(JSON.parse(stdout)).toMatchObject({ site: 'plant-1', agent: 'agent-1' });
  }, 60_000);
});
