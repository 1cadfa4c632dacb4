// Entry of a camera's capture thread. Plain JS: it loads the TypeScript side through tsx, so the agent
// needs no build step (as bin/sightline-agent.js does for the main thread).
import { tsImport } from 'tsx/esm/api';

await tsImport('./camera-thread.ts', import.meta.url);
