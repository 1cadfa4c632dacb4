import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

const root = resolve(import.meta.dirname, '..', '..');

export interface AgentProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or signal) and everything printed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Writes a config file and runs the real `sightline-agent` CLI in its own process (`env` adds to the environment). */
export async function spawnAgent(
  dir: string,
  config: unknown,
  args: string[] = [],
  opts: { env?: NodeJS.ProcessEnv } = {},
): Promise<AgentProcess> {
  const file = join(dir, `agent-${Date.now()}-${Math.random().toString(36).slice(2, 6)}.yaml`);
  await writeFile(file, typeof config === 'string' ? config : stringify(config));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'agent/src/cli/index.ts', 'run', '--config', file, ...args],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
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
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((done) => child.once('exit', (code, signal) => done({ code, signal, stdout, stderr })));
  return { child, exited };
}
