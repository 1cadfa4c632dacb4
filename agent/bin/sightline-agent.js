#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the agent needs no build step on the device.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
