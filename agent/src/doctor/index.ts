import { defaultModelDir, type ImageFrame } from '@sightline/models';
import type { Logger } from 'pino';
import type { ActionConfig } from '../act/index.ts';
import { createFrameSource, type FrameSource } from '../capture/index.ts';
import type { AgentConfig, SourceConfig } from '../config/index.ts';
import { checkActions } from './action-check.ts';
import { probeBroker } from './broker-check.ts';
import { checkCamera } from './camera-check.ts';
import { type Check, fail, pass } from './check.ts';
import { checkClock, checkStateDir } from './host-checks.ts';
import { checkInference, checkModel } from './model-check.ts';

export { checkActions } from './action-check.ts';
export { explainConnectError } from './broker-check.ts';
export type { Check } from './check.ts';
export { formatChecks } from './format.ts';

export interface DoctorDeps {
  log: Logger;
  /** Wait this long for each camera to open and for its first frame. */
  cameraTimeoutMs?: number;
  /** Wait this long for the broker's CONNACK. */
  brokerTimeoutMs?: number;
  /** Wait this long for the hub's retained state after subscribing. */
  hubWaitMs?: number;
  /** The state dir's disk needs this much free space. */
  minFreeMB?: number;
  /** The clock may be this far behind the hub's. */
  maxClockSkewS?: number;
  now?: () => number;
  /** The configured defect actions (until they are part of AgentConfig): checked without triggering. */
  actions?: readonly ActionConfig[];
  /** Builds camera sources (tests); default: the agent's own. */
  createFrameSource?: (camera: string, source: SourceConfig) => FrameSource;
}

/**
 * Checks everything the agent needs, in the order a technician should fix it: config, cameras,
 * model and a test inference, broker and credentials, hub, state dir and disk, clock, actions.
 * Never throws: every problem is a failed check with a fix.
 */
export async function runDoctor(config: AgentConfig, deps: DoctorDeps): Promise<Check[]> {
  const checks: Check[] = [
    pass(
      'config',
      `site ${config.site}, line ${config.line}, agent ${config.agent}, ${config.cameras.length} camera(s)`,
    ),
  ];
  const makeSource =
    deps.createFrameSource ?? ((id: string, source: SourceConfig) => createFrameSource(id, source));
  const cameras = await Promise.all(
    config.cameras.map((c) => checkCamera(c, makeSource(c.id, c.source), deps.cameraTimeoutMs ?? 10_000)),
  );
  checks.push(...cameras.map((c) => c.check));

  const modelDir = config.model.dir ?? defaultModelDir();
  const { check: modelCheck, model } = await checkModel(modelDir);
  checks.push(modelCheck);
  if (model) {
    const index = cameras.findIndex((c) => c.frame);
    const frame: ImageFrame | undefined = cameras[index]?.frame?.frame;
    const sample = frame && config.cameras[index] ? { camera: config.cameras[index].id, frame } : undefined;
    checks.push(await checkInference(config, model, sample, deps.log));
  } else {
    checks.push(fail('inference', 'skipped: no model', 'fix the model first'));
  }

  const broker = await probeBroker(config.broker, {
    agent: { site: config.site, line: config.line, agent: config.agent },
    timeoutMs: deps.brokerTimeoutMs ?? 5000,
    hubWaitMs: deps.hubWaitMs ?? 1000,
  });
  checks.push(...broker.checks);
  checks.push(...(await checkStateDir(config.stateDir, deps.minFreeMB ?? 1024)));
  checks.push(checkClock((deps.now ?? Date.now)(), broker.hubState, deps.maxClockSkewS ?? 60));
  checks.push(...(await checkActions(deps.actions ?? [])));
  return checks;
}
