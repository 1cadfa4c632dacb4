import { type Agent, type AgentSummary, parseAgentConfig, startAgent } from '@sightline/agent';
import type { Hub } from '@sightline/hub';
import { agentBroker } from './credentials.ts';
import { quietLog } from './quiet-log.ts';

export interface LineSpec {
  line: string;
  defectRate: number;
  seed: number;
}

/** Starts one agent per line on an unpaced synthetic camera that stops after `frames` parts. */
export async function startFleet(opts: {
  /** The hub that provisions the agents' credentials. */
  hub: Hub;
  brokerUrl: string;
  stateDir: string;
  lines: readonly LineSpec[];
  frames: number;
  protocolVersion?: 'auto' | 4 | 5;
}): Promise<Agent[]> {
  return Promise.all(
    opts.lines.map(async ({ line, defectRate, seed }) =>
      startAgent({
        config: parseAgentConfig({
          site: 'test',
          line,
          agent: `${line}-agent`,
          broker: {
            ...(await agentBroker(opts.hub, { site: 'test', line, agent: `${line}-agent` }, opts.brokerUrl)),
            protocolVersion: opts.protocolVersion ?? 'auto',
          },
          stateDir: `${opts.stateDir}/${line}`,
          publish: { batchSize: 25, batchMs: 20 },
          cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed, defectRate, fps: 0 } }],
        }),
        log: quietLog(),
        frameLimit: opts.frames,
      }),
    ),
  );
}

/** Waits for every camera to finish its frames, then stops each agent after its outbox drains. */
export async function finishFleet(agents: Agent[]): Promise<AgentSummary[]> {
  await Promise.all(agents.map((a) => a.sourcesDone));
  return Promise.all(agents.map((a) => a.stop(20_000)));
}
