import { join } from 'node:path';
import { type CredentialStore, createFileStorage, openCredentialStore } from '@sightline/hub';
import type { ApiRole } from '@sightline/protocol';
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
  broker: { url: string; username: string; password: string },
  stateDir: string,
  line: string,
  seed: number,
  defectRate: number,
) {
  return {
    site: SITE,
    line,
    agent: `${line}-cam`,
    broker,
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
  /** The hub's credentials file, open beside the hub (which watches it), as `sightline-hub tokens` opens it. */
  credentials: CredentialStore;
  /** fetch() of a hub path with the test's admin token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** The JSON answer at a hub path (admin token), or an error naming the status. */
  json<T>(path: string): Promise<T>;
  /**
   * A one-time sign-in link for a browser, as `sightline-hub tokens link` prints it. Links are made before the hub
   * starts (`links` of startFleet), so the hub has them without waiting for it to re-read its credentials file.
   */
  signInLink(role: ApiRole, path?: string): string;
  lines(window?: string): Promise<LineFigures[]>;
  line(line: string, window?: string): Promise<LineFigures | undefined>;
  startAgent(line: string, seed: number, defectRate: number): Promise<AgentProcess>;
  close(): Promise<void>;
}

/** A hub process serving the built dashboard, fed by real agent processes (one per line). */
export async function startFleet(
  specs: ReadonlyArray<{ line: string; seed: number; defectRate: number }>,
  links: readonly ApiRole[] = ['qc-lead'],
): Promise<Fleet> {
  await ensureDashboardBuilt();
  const tmp = await tempDir('sl-browser-');
  // Authentication is on by default: provision the hub's credentials file first, as an administrator would with
  // `sightline-hub agents add` and `tokens add` / `tokens link`, then start the hub on it.
  const authFile = join(tmp.dir, 'auth.json');
  const credentials = await openCredentialStore({ storage: createFileStorage(authFile) });
  const admin = (await credentials.addToken({ role: 'admin', name: 'browser test' })).secret;
  const brokers = new Map<string, { username: string; password: string }>();
  const brokerLogin = async (line: string) => {
    let login = brokers.get(line);
    if (!login) {
      const creds = await credentials.addAgent({ site: SITE, line, agent: `${line}-cam` }, { rotate: true });
      login = { username: creds.username, password: creds.password };
      brokers.set(line, login);
    }
    return login;
  };
  for (const s of specs) await brokerLogin(s.line);
  const codes = new Map<ApiRole, string[]>();
  for (const role of links) {
    const link = await credentials.addLink({ role, name: 'browser test', minutes: 30, tokenDays: 1 });
    codes.set(role, [...(codes.get(role) ?? []), link.code]);
  }
  const hub = await spawnHub({
    dbPath: join(tmp.dir, 'hub.duckdb'),
    dashboardDir: DASHBOARD_DIST,
    env: { SL_HUB_AUTH_FILE: authFile },
  }).catch((err: unknown) => {
    credentials.close();
    throw err;
  });
  const agents = new Map<string, AgentProcess>();
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${hub.httpUrl}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${admin}` },
    });
  const json = async <T>(path: string) => {
    const res = await api(path);
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const lines = async (window = '1h') =>
    (await json<{ lines: LineFigures[] }>(`/api/lines?window=${window}`)).lines;
  const fleet: Fleet = {
    hub,
    agents,
    dir: tmp.dir,
    credentials,
    api,
    json,
    signInLink(role, path = '/') {
      const code = codes.get(role)?.shift();
      if (!code) throw new Error(`no sign-in link left for ${role}: pass it in startFleet's links`);
      return `${hub.httpUrl}${path}#signin=${code}`;
    },
    lines,
    line: async (line, window) => (await lines(window)).find((l) => l.line === line),
    async startAgent(line, seed, defectRate) {
      const broker = { url: hub.mqttUrl, ...(await brokerLogin(line)) };
      const agent = await spawnAgent(tmp.dir, agentConfig(broker, tmp.dir, line, seed, defectRate));
      agents.set(line, agent);
      return agent;
    },
    async close() {
      for (const a of agents.values()) {
        if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
      }
      await Promise.all([...agents.values()].map((a) => a.exited));
      await hub.stop();
      credentials.close();
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
