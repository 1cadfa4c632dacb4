import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

const root = resolve(import.meta.dirname, '..', '..');
const clockShift = resolve(import.meta.dirname, 'clock-shift.mjs');

export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface AgentProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or signal) and everything printed. */
  exited: Promise<AgentExit>;
  /** Everything printed on stderr so far (the agent's JSON log lines). */
  stderr(): string;
}

export interface SpawnAgentOptions {
  /**
   * Runs the agent with a shifted wall clock: `clock-shift.mjs` is preloaded and reads its offset (ms)
   * from this file at start and on SIGUSR2. The agent itself is unchanged.
   */
  clockFile?: string;
  /** Adds to the agent's environment. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Writes a config file and runs the real `sightline-agent` CLI in its own process, as installed: through
 * `bin/sightline-agent.js` (the CLI bundled into plain JS at start, no TypeScript loader).
 */
export async function spawnAgent(
  dir: string,
  config: unknown,
  args: string[] = [],
  opts: SpawnAgentOptions = {},
): Promise<AgentProcess> {
  const file = join(dir, `agent-${Date.now()}-${Math.random().toString(36).slice(2, 6)}.yaml`);
  await writeFile(file, typeof config === 'string' ? config : stringify(config));
  const preload = opts.clockFile ? ['--import', clockShift] : [];
  const child = spawn(
    process.execPath,
    [...preload, 'agent/bin/sightline-agent.js', 'run', '--config', file, ...args],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...opts.env,
        ...(opts.clockFile ? { SL_TEST_CLOCK_FILE: opts.clockFile } : {}),
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<AgentExit>((done) =>
    child.once('exit', (code, signal) => done({ code, signal, stdout, stderr })),
  );
  return { child, exited, stderr: () => stderr };
}
