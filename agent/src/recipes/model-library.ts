import { defaultModelDir, loadModel } from '@sightline/models';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/index.ts';
import { loadActiveModel } from '../infer/active-model.ts';
import type { ActiveModel } from '../infer/model-slot.ts';

/** The models the recipes and regions use, each loaded once however many refer to it. */
export interface ModelLibrary {
  /** The model in `dir` (undefined: the agent's model), loaded on first use; its engine is shared. */
  load(dir: string | undefined): Promise<ActiveModel>;
  /** Closes every engine. */
  close(): Promise<void>;
}

/**
 * Loads models by directory. The first model picks the runtime (with `auto`, by measuring); the others
 * use the same runtime without measuring again. A model held by several slots is one engine: closing
 * it through one slot is ignored until the library closes (`close` on a slot's engine is a no-op here).
 */
export function createModelLibrary(config: AgentConfig, log: Logger): ModelLibrary {
  const byDir = new Map<string, Promise<ActiveModel>>();
  const engines: ActiveModel['engine'][] = [];
  let runtime: AgentConfig['inference']['runtime'] = config.inference.runtime;
  // One at a time, so the first model's runtime choice serves the rest.
  let queue: Promise<unknown> = Promise.resolve();

  return {
    load(dir) {
      const key = dir ?? config.model.dir ?? defaultModelDir();
      let loading = byDir.get(key);
      if (!loading) {
        loading = queue.then(async () => {
          const sized = { ...config, inference: { ...config.inference, runtime } };
          const model = await loadActiveModel(sized, await loadModel(key), log);
          runtime = model.engine.runtime as typeof runtime;
          engines.push(model.engine);
          // One run now: a session's first run is several times slower, and should not be a part's.
          const dims = model.manifest.input.shape;
          await model.engine.run(new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
          // Slots close the engine they let go of; a shared engine outlives them.
          return { ...model, engine: { ...model.engine, close: async () => undefined } };
        });
        queue = loading.catch(() => undefined);
        byDir.set(key, loading);
      }
      return loading;
    },
    async close() {
      await Promise.all(engines.map((e) => e.close()));
    },
  };
}
