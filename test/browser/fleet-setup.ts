import { join } from 'node:path';
import type { AgentProcess } from '../support/agent-process.ts';
import { spawnAgent } from '../support/agent-process.ts';
import { DASHBOARD_DIST, ensureDashboardBuilt, launchChromium } from '../support/chromium.ts';
import { tempDir } from '../support/hub.ts';
import { type HubProcess, spawnHub } from '../support/hub-process.ts';
import { waitFor } from '../support/wait.ts';

export const SITE = 'test';

export interface LineFigures {
  site: string;
  line: string;
  inspected: number;
  defects: number;
  defect_rate: number;
  defect_rate_ci: [number, number];
  parts_per_min: number;
  last_ts: number | null;
}

/** A real agent process on a paced synthetic camera, sending every defect frame as a sample. */
export function agentConfig(
  mqttUrl: string,
  stateDir: string,
  line: string,
  seed: number,
  defectRate: number,
) {
  return {
    site: SITE,
    line,
    agent: `${line}-cam`,
    broker: { url: mqttUrl },
    stateDir: `${stateDir}/${line}`,
    statsIntervalS: 1,
    publish: { batchMs: 100 },
    samples: { enabled: true, maxPerHour: { defect: 3600, near: 0, ok: 0 }, okShare: 0 },
    cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed, defectRate, fps: 8 } }],
  };
}

export interface Fleet {
  hub: HubProcess;
  agents: Map<string, AgentProcess>;
  dir: string;
  lines(window?: string): Promise<LineFigures[]>;
  line(line: string, window?: string): Promise<LineFigures | undefined>;
  startAgent(line: string, seed: number, defectRate: number): Promise<AgentProcess>;
  close(): Promise<void>;
}

/** A hub process serving the built dashboard, fed by real agent processes (one per line). */
export async function startFleet(
  specs: ReadonlyArray<{ line: string; seed: number; defectRate: number }>,
): Promise<Fleet> {
  await ensureDashboardBuilt();
  const tmp = await tempDir('sl-browser-');
  const hub = await spawnHub({ dbPath: join(tmp.dir, 'hub.duckdb'), dashboardDir: DASHBOARD_DIST });
  const agents = new Map<string, AgentProcess>();
  const lines = async (window = '1h') =>
    ((await (await fetch(`${hub.httpUrl}/api/lines?window=${window}`)).json()) as { lines: LineFigures[] })
      .lines;
  const fleet: Fleet = {
    hub,
    agents,
    dir: tmp.dir,
    lines,
    line: async (line, window) => (await lines(window)).find((l) => l.line === line),
    async startAgent(line, seed, defectRate) {
      const agent = await spawnAgent(tmp.dir, agentConfig(hub.mqttUrl, tmp.dir, line, seed, defectRate));
      agents.set(line, agent);
      return agent;
    },
    async close() {
      for (const a of agents.values()) {
        if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
      }
      await Promise.all([...agents.values()].map((a) => a.exited));
      await hub.stop();
      await tmp.remove();
    },
  };
  await Promise.all(specs.map((s) => fleet.startAgent(s.line, s.seed, s.defectRate)));
  await waitFor('every line to have 40 results', 90_000, async () => {
    const all = await lines();
    return specs.every((s) => (all.find((l) => l.line === s.line)?.inspected ?? 0) >= 40);
  });
  return fleet;
}

export { launchChromium };
