#!/usr/bin/env node
// Runs the TypeScript CLI with no build step on the device: bundled into one plain-JS file with esbuild at
// start (bundle.mjs), so no TypeScript loader stays in the process — tsx's loader thread and transpiled
// sources cost ~40 MB of the agent's memory. Where bundling fails, the CLI runs through tsx as before.
import { agentBundle } from './bundle.mjs';

let entry;
try {
  entry = await agentBundle();
} catch (err) {
  process.stderr.write(
    `sightline-agent: cannot bundle the agent (${err instanceof Error ? err.message : String(err)}); running it through tsx\n`,
  );
  const { register } = await import('tsx/esm/api');
  register();
  entry = '../src/cli/index.ts';
}
await import(entry);
