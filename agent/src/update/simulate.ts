import { join } from 'node:path';
import { defaultModelDir, loadModel, type Manifest } from '@sightline/models';
import type { AgentRef, ModelIdentity } from '@sightline/protocol';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { parseAgentConfig } from '../config/index.ts';
import { createDecisionPolicy } from '../decide/index.ts';
import type { InferenceEngine } from '../infer/engine.ts';
import { type ActiveModel, createModelSlot } from '../infer/model-slot.ts';
import { createPreprocessStage } from '../preprocess/index.ts';
import { createSession } from '../session/index.ts';
import { createUpdateController } from './controller.ts';
import { createFailpoints } from './failpoint.ts';
import { createDesiredInbox } from './inbox.ts';
import { loadTrustedKeys } from './keys.ts';
import { createShadowRunner } from './shadow.ts';
import { openModelStore } from './store.ts';

/** An engine that runs nothing: the simulation is about delivery and installation, not inference. */
const idleEngine = (): InferenceEngine => ({
  runtime: 'simulated',
  outputNames: [],
  run: async () => ({}),
  close: async () => undefined,
});

const simulated = (manifest: Manifest, identity: ModelIdentity): ActiveModel => ({
  identity,
  manifest,
  engine: idleEngine(),
  decoding: { kind: 'score', output: manifest.output.name },
});

export interface SimulatedAgent {
  /** Frames "inspected" so far (they drive probation). */
  frames: number;
  close(): Promise<void>;
}

/**
 * An agent that takes model updates exactly as a real one does — session, desired state, chunked download
 * with hashes, signature and version checks, the slots and pointer on disk, switch and probation — with no
 * camera and no inference (the golden-image self-test passes without running): for fleet simulations and
 * `pnpm bench:rollout`, where a hundred of them share a process.
 */
export async function startSimulatedAgent(o: {
  ref: AgentRef;
  client: MqttClient;
  stateDir: string;
  trustedKeys: readonly string[];
  log: Logger;
  /** Frames per second it pretends to inspect (probation counts them); default 20. */
  fps?: number;
}): Promise<SimulatedAgent> {
  const config = parseAgentConfig({
    ...o.ref,
    stateDir: o.stateDir,
    cameras: [{ id: 'sim', source: { kind: 'synthetic' } }],
    update: { trustedKeys: [...o.trustedKeys], probation: { frames: 1, seconds: 0 } },
  });
  const factoryModel = await loadModel(defaultModelDir());
  const factory = {
    id: factoryModel.manifest.id,
    version: factoryModel.manifest.version,
    sha256: factoryModel.manifest.sha256,
  };
  const models = createModelSlot(simulated(factoryModel.manifest, factory));
  const policy = createDecisionPolicy({ defect: factoryModel.manifest.threshold, uncertainBand: 0 });
  const store = await openModelStore({
    dir: join(o.stateDir, 'models'),
    trustDir: join(o.stateDir, 'trust'),
  });
  const inbox = createDesiredInbox();
  const session = createSession({
    ref: o.ref,
    client: o.client,
    log: o.log,
    birth: (id) => ({
      session: id,
      ts: Date.now(),
      agentVersion: 'simulated',
      model: models.current().identity,
      cameras: [],
      thresholds: { defect: policy.current().defect },
      capabilities: ['model-updates'],
    }),
    onCommand: () => undefined,
    onModelDesired: (d) => inbox.put(d),
  });
  const sim: SimulatedAgent = { frames: 0, close: async () => undefined };
  const ticker = setInterval(
    () => {
      sim.frames += 1;
    },
    1000 / (o.fps ?? 20),
  );
  ticker.unref();
  const controller = createUpdateController({
    config: config.update,
    store,
    channel: session.bundles,
    models,
    policy,
    shadow: createShadowRunner({
      models,
      preprocess: createPreprocessStage(),
      record: async () => undefined,
      log: o.log,
    }),
    load: async (bundle) =>
      simulated(bundle.manifest, {
        id: bundle.header.id,
        version: bundle.header.version,
        sha256: bundle.manifest.sha256,
      }),
    selfTest: async (_model, bundle) => ({
      images: bundle.golden.images.length,
      passed: true,
      max_diff: 0,
      p50_ms: 0,
      outputs: [],
    }),
    factory: { identity: factory, load: async () => simulated(factoryModel.manifest, factory) },
    keys: await loadTrustedKeys(config.update.trustedKeys),
    frames: () => ({ inspected: sim.frames, failed: 0 }),
    report: (s) => session.publishModelStatus(s),
    event: (e) => session.publishEvent(e),
    failpoint: createFailpoints([]),
    log: o.log,
    tickMs: 250,
  });
  inbox.connect(controller.desired);
  sim.close = async () => {
    clearInterval(ticker);
    await controller.close();
    await session.close();
  };
  return sim;
}
