import type { Manifest } from '@sightline/models';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/index.ts';
import { type EngineSelection, selectEngine } from './select.ts';

/** The inference engine the agent's config asks for, on a loaded model. */
export function engineFor(
  config: AgentConfig,
  model: { manifest: Manifest; bytes: Uint8Array },
  log: Logger,
): Promise<EngineSelection> {
  return selectEngine({
    model: model.bytes,
    inputName: model.manifest.input.name,
    outputName: model.manifest.output.name,
    threads: config.inference.threads,
    runtime: config.inference.runtime,
    dims: model.manifest.input.shape,
    log,
  });
}
