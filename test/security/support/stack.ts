import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type CredentialStore, createFileStorage, openCredentialStore } from '@sightline/hub';
import type { AgentRef, ApiRole } from '@sightline/protocol';
import { stringify } from 'yaml';
import { type AgentProcess, spawnAgent } from '../../support/agent-process.ts';
import { waitFor } from '../../support/wait.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');

export interface StackAgent {
  ref: AgentRef;
  process: AgentProcess;
  alive(): boolean;
}

/**
 * The system under attack, as real processes: `sightline-hub run` (embedded broker, DuckDB file, its credentials
 * file provisioned the way `sightline-hub agents add` / `tokens add` do it) and `sightline-agent run` processes on
 * synthetic cameras. The hub watches the credentials file, so tests revoke and add while it runs.
 */
export interface Stack {
  dir: string;
  httpUrl: string;
  mqttUrl: string;
  credentials: CredentialStore;
  /** A bearer token per role. */
  tokens: Record<ApiRole, string>;
  /** The hub's own broker login (username = its client id). */
  hubLogin: { username: string; password: string };
  agents: StackAgent[];
  /** True while the hub process runs and has not died. */
  hubAlive(): boolean;
  /** Everything the hub logged (pino JSON lines). */
  hubLog(): string;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Agent processes, on lines line-1 … line-n of site `plant` (default 2). */
  agents?: number;
  /** Hub config keys merged over the defaults. */
  hub?: Record<string, unknown>;
  /** Agent config keys merged over the defaults. */
  agent?: Record<string, unknown>;
  /** Agent broker URL override (e.g. mqtts://localhost:port); default the hub's. */
  agentBroker?: (mqttUrl: string) => Record<string, unknown>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'sl-security-'));
  const children: ChildProcess[] = [];
  const authFile = join(dir, 'auth.json');
  const credentials = await openCredentialStore({ storage: createFileStorage(authFile) });
  const tokens = {} as Record<ApiRole, string>;
  for (const role of ['viewer', 'qc-lead', 'engineer', 'admin'] as const) {
    tokens[role] = (await credentials.addToken({ role, name: `${role} (security suite)` })).secret;
  }
  const hubLogin = { username: 'sightline-hub', password: await credentials.hubBrokerPassword() };

  const hubConfig = join(dir, 'hub.yaml');
  await writeFile(
    hubConfig,
    stringify({
      broker: { port: 0 },
      http: { port: 0 },
      store: { path: join(dir, 'hub.duckdb') },
      auth: { file: authFile },
      log: { level: 'info' },
      ...opts.hub,
    }),
  );
  const hub = spawn(
    process.execPath,
    [join(root, 'hub/bin/sightline-hub.js'), 'run', '--config', hubConfig],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(hub);
  let log = '';
  hub.stdout?.on('data', (c: Buffer) => {
    log += c.toString();
  });
  hub.stderr?.on('data', (c: Buffer) => {
    log += c.toString();
  });
  let hubExited = false;
  hub.once('exit', () => {
    hubExited = true;
  });
  const close = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    credentials.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const started = await waitFor('the hub process to listen', 120_000, () => {
      if (hubExited) throw new Error(`the hub exited: ${log.slice(-2000)}`);
      const line = log.split('\n').find((l) => l.includes('"msg":"dashboard at'));
      return line ? (JSON.parse(line) as { url: string; mqtt: string }) : undefined;
    });

    const agents: StackAgent[] = [];
    for (let i = 1; i <= (opts.agents ?? 2); i++) {
      const ref = { site: 'plant', line: `line-${i}`, agent: `agent-${i}` };
      const creds = await credentials.addAgent(ref);
      const process = await spawnAgent(dir, {
        ...ref,
        broker: {
          url: started.mqtt,
          username: creds.username,
          password: creds.password,
          ...opts.agentBroker?.(started.mqtt),
        },
        inference: { runtime: 'onnxruntime-node', threads: 1 },
        stateDir: join(dir, ref.agent),
        publish: { batchSize: 10, batchMs: 100 },
        statsIntervalS: 2,
        cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed: 40 + i, fps: 5, defectRate: 0.1 } }],
        ...opts.agent,
      });
      children.push(process.child);
      agents.push({
        ref,
        process,
        alive: () => process.child.exitCode === null && process.child.signalCode === null,
      });
    }
    return {
      dir,
      httpUrl: started.url,
      mqttUrl: started.mqtt,
      credentials,
      tokens,
      hubLogin,
      agents,
      hubAlive: () => !hubExited,
      hubLog: () => log,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
