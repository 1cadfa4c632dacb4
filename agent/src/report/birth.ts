import type { Birth, CameraInfo } from '@sightline/protocol';
import type { AgentConfig } from '../config/index.ts';
import type { Thresholds } from '../decide/index.ts';
import type { ActiveModel } from '../infer/model-slot.ts';

export const AGENT_VERSION = '0.1.0';

/** The birth message of a new session: who this agent is and what it runs right now. */
export function birthMessage(
  session: string,
  config: AgentConfig,
  model: ActiveModel,
  thresholds: Thresholds,
  cameras: CameraInfo[],
  recipes?: { current: string; all: string[] },
): Birth {
  return {
    session,
    ts: Date.now(),
    agentVersion: AGENT_VERSION,
    model: model.identity,
    cameras,
    thresholds: { defect: thresholds.defect, uncertainBand: thresholds.uncertainBand },
    capabilities: [
      'results',
      'stats',
      'events',
      'set-threshold',
      ...config.actions.map((a) => `action:${a.kind}`),
      ...(config.samples.enabled ? ['samples'] : []),
      ...(config.samples.enabled && config.samples.upload.enabled ? ['sample-upload'] : []),
      'recipe',
      ...new Set(config.cameras.map((c) => `trigger:${c.trigger.kind}`)),
      ...(config.plc.enabled ? ['plc:modbus-tcp'] : []),
      ...(config.http.enabled ? ['http'] : []),
    ],
    runtime: model.engine.runtime,
    ...(recipes ? { recipe: recipes.current, recipes: recipes.all.slice(0, 256) } : {}),
  };
}
