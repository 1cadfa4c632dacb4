import type { LoadedModel } from '@sightline/models';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/index.ts';
import { decodingFor } from './decoding-for.ts';
import { engineFor } from './engine-for.ts';
import type { ActiveModel } from './model-slot.ts';

/** A loaded model made ready to run: its engine (runtime chosen by the config) and output decoding. */
export async function loadActiveModel(
  config: AgentConfig,
  model: LoadedModel,
  log: Logger,
): Promise<ActiveModel> {
  const { engine } = await engineFor(config, model, log);
  const { manifest } = model;
  return {
    identity: { id: manifest.id, version: manifest.version, sha256: manifest.sha256 },
    manifest,
    engine,
    decoding: decodingFor(manifest),
  };
}
