import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { defaultModelDir, type LoadedModel, loadModel } from '@sightline/models';
import type { ModelIdentity } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/index.ts';
import type { DecisionPolicy } from '../decide/index.ts';
import { loadActiveModel } from '../infer/active-model.ts';
import { type ActiveModel, createModelSlot, type ModelSlot } from '../infer/model-slot.ts';
import type { PreprocessStage } from '../preprocess/index.ts';
import type { Recorder } from '../record/recorder.ts';
import type { Session } from '../session/index.ts';
import { type BootNote, bootActiveModel, readInstalled } from './boot.ts';
import { createUpdateController, type UpdateController } from './controller.ts';
import { createFailpoints } from './failpoint.ts';
import { loadTrustedKeys } from './keys.ts';
import { createBundleLoader } from './load.ts';
import { createShadowRunner, type ShadowStage } from './shadow.ts';
import { type ModelStore, openModelStore } from './store.ts';

export type { UpdateController } from './controller.ts';
export { createDesiredInbox } from './inbox.ts';
export type { ShadowStage } from './shadow.ts';

/** The models the agent starts with: the live one (from the pointer, else the configured directory). */
export interface BootedModels {
  models: ModelSlot;
  /** Installed models; absent when updates are off. */
  store?: ModelStore;
  keys: KeyObject[];
  notes: BootNote[];
  factory: { identity: ModelIdentity; dir: string };
}

const identityOf = (m: LoadedModel): ModelIdentity => ({
  id: m.manifest.id,
  version: m.manifest.version,
  sha256: m.manifest.sha256,
});

/** Picks and loads the live model: the pointer's slot (verified, crash loops undone) or the factory model. */
export async function bootModels(config: AgentConfig, log: Logger): Promise<BootedModels> {
  const dir = config.model.dir ?? defaultModelDir();
  const factoryModel = await loadModel(dir);
  const factory = { identity: identityOf(factoryModel), dir };
  if (!config.update.enabled) {
    return {
      models: createModelSlot(await loadActiveModel(config, factoryModel, log)),
      keys: [],
      notes: [],
      factory,
    };
  }
  const keys = await loadTrustedKeys(config.update.trustedKeys);
  const store = await openModelStore({
    dir: config.update.dir ?? join(config.stateDir, 'models'),
    trustDir: join(config.stateDir, 'trust'),
    onInvalid: (file, why) =>
      log.error(
        { event: 'update_state_invalid', file, why },
        `${file} is invalid (${why}); starting from the factory model`,
      ),
  });
  const { model, notes } = await bootActiveModel({
    store,
    maxBoots: config.update.probation.maxBoots,
    log,
    async load(slot) {
      if (slot === 'factory') return loadActiveModel(config, factoryModel, log);
      const verified = await readInstalled(store, slot, keys);
      const bytes = verified.files.get(verified.manifest.file) as Uint8Array;
      return loadActiveModel(config, { manifest: verified.manifest, bytes, path: store.slotPath(slot) }, log);
    },
  });
  log.info(
    { event: 'model_booted', model: model.identity, slot: store.pointer().active },
    `running ${model.identity.id} ${model.identity.version}`,
  );
  return { models: createModelSlot(model), store, keys, notes, factory };
}

/**
 * Model updates around the pipeline: the shadow stage the pipeline calls, and (updates on) the controller
 * that applies the hub's desired state.
 */
export function startModelUpdates(o: {
  config: AgentConfig;
  booted: BootedModels;
  session: Session;
  policy: DecisionPolicy;
  preprocess: PreprocessStage;
  recorder: Recorder;
  frames(): { inspected: number; failed: number };
  log: Logger;
}): { shadow: ShadowStage; controller?: UpdateController } {
  const { config, booted, log } = o;
  const runner = createShadowRunner({
    models: booted.models,
    preprocess: o.preprocess,
    record: (r) => o.recorder.record(r),
    log,
  });
  if (!booted.store) return { shadow: runner.stage };
  const runtime = () => booted.models.current().engine.runtime;
  const loader = createBundleLoader(config, runtime, log);
  const factoryDir = booted.factory.dir;
  const controller = createUpdateController({
    config: config.update,
    store: booted.store,
    channel: o.session.bundles,
    models: booted.models,
    policy: o.policy,
    shadow: runner,
    load: loader,
    factory: {
      identity: booted.factory.identity,
      load: async (): Promise<ActiveModel> =>
        loadActiveModel(
          {
            ...config,
            inference: { ...config.inference, runtime: runtime() as AgentConfig['inference']['runtime'] },
          },
          await loadModel(factoryDir),
          log,
        ),
    },
    keys: booted.keys,
    frames: o.frames,
    report: (s) => o.session.publishModelStatus(s),
    event: (e) => o.session.publishEvent(e),
    failpoint: createFailpoints(config.update.failpoints),
    log,
  });
  controller.booted(booted.notes);
  o.session.onStateChange((_to, from) => {
    // Sent while disconnected is dropped: say where the update stands on every (re)connect.
    const status = controller.status();
    if (status && (from === 'connecting' || from === 'disconnected'))
      o.session.publishModelStatus({ ...status, ts: Date.now() });
  });
  return { shadow: runner.stage, controller };
}
