import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readOutbox } from '@sightline/agent';
import type { InspectionResultInput } from '@sightline/protocol';
import { type AgentExit, type AgentProcess, spawnAgent } from './agent-process.ts';
import { createOutboxArchive } from './outbox-archive.ts';
import { waitFor } from './wait.ts';

export interface ManagedAgentOptions {
  /** Work directory: the agent's state, config files and outbox archive go below it. */
  dir: string;
  ref: { site: string; line: string; agent: string };
  brokerUrl: string;
  /** Its broker login, from the hub's credentials file (credentials.ts agentLogin). */
  login: { username: string; password: string };
  /** Synthetic camera seed and pace (frames per second, default 10: light on a shared 2-core machine). */
  seed: number;
  fps?: number;
  /** Top-level config keys merged over the defaults (publish, outbox, ...). */
  config?: Record<string, unknown>;
  /** Start with a shifted wall clock (see clock-shift.mjs); change it later with setClockOffset. */
  clockOffsetMs?: number;
}

/**
 * One `sightline-agent run` process that a test can start, kill -9, stop and restart on the same
 * state directory, and that keeps an archive of its outbox to tell what it created.
 */
export interface ManagedAgent {
  readonly ref: ManagedAgentOptions['ref'];
  readonly stateDir: string;
  readonly running: boolean;
  /** Processes started so far. */
  readonly runs: number;
  start(args?: string[]): Promise<void>;
  /** SIGKILL; resolves once the process is gone and its outbox archived. */
  kill(): Promise<void>;
  /** SIGTERM (the agent stops capture and drains for up to 10 s); resolves with how it ended. */
  stop(): Promise<AgentExit>;
  /** Stops, then runs one-frame passes until the outbox is empty, so every created result was sent. */
  finish(deadlineMs?: number): Promise<void>;
  setClockOffset(ms: number): Promise<void>;
  /** Results in the outbox not yet confirmed by the hub (or, for a hub without acks, by the broker). */
  pending(): Promise<number>;
  /** Every seq below this is gone from the outbox: confirmed by the hub (or dropped). */
  acked(): Promise<number>;
  created(): Promise<Map<number, InspectionResultInput>>;
}

export async function createManagedAgent(opts: ManagedAgentOptions): Promise<ManagedAgent> {
  const home = join(opts.dir, opts.ref.agent);
  const stateDir = join(home, 'state');
  await mkdir(stateDir, { recursive: true });
  const archive = createOutboxArchive(stateDir, join(home, 'archive'));
  const clockFile = opts.clockOffsetMs === undefined ? undefined : join(home, 'clock-offset');
  if (clockFile) await writeFile(clockFile, String(opts.clockOffsetMs));
  const config = {
    ...opts.ref,
    broker: { url: opts.brokerUrl, protocolVersion: 'auto', ...opts.login },
    // No runtime measurement at start-up: restarts stay quick and cheap.
    inference: { runtime: 'onnxruntime-node', threads: 1 },
    stateDir,
    publish: { batchSize: 10, batchMs: 50 },
    statsIntervalS: 5,
    cameras: [
      {
        id: 'cam0',
        source: {
          kind: 'synthetic',
          seed: opts.seed,
          defectRate: 0.1,
          fps: opts.fps ?? 10,
          width: 96,
          height: 96,
        },
      },
    ],
    ...opts.config,
  };

  let proc: AgentProcess | undefined;
  let runs = 0;
  let archiver: NodeJS.Timeout | undefined;
  const ended = async (exit: AgentExit) => {
    clearInterval(archiver);
    proc = undefined;
    // Each run's log beside its state, for a scenario kept with SL_FAULTS_KEEP=1.
    await writeFile(join(home, `run-${runs}.log`), exit.stderr).catch(() => undefined);
    await archive.sync();
    return exit;
  };

  const agent: ManagedAgent = {
    ref: opts.ref,
    stateDir,
    get running() {
      return proc !== undefined;
    },
    get runs() {
      return runs;
    },
    async start(args = []) {
      if (proc) throw new Error(`agent ${opts.ref.agent} is already running`);
      await archive.sync();
      const p = await spawnAgent(home, config, args, clockFile ? { clockFile } : {});
      proc = p;
      runs += 1;
      let exit: AgentExit | undefined;
      void p.exited.then((e) => {
        exit = e;
      });
      await waitFor(`agent ${opts.ref.agent} to start`, 120_000, () => {
        if (p.stderr().includes('"event":"started"')) return true;
        if (exit)
          throw new Error(
            `agent ${opts.ref.agent} exited at start (${exit.code}): ${exit.stderr.slice(-2000)}`,
          );
        return false;
      });
      await archive.sync();
      archiver = setInterval(() => void archive.sync().catch(() => undefined), 250);
    },
    async kill() {
      if (!proc) return;
      const p = proc;
      p.child.kill('SIGKILL');
      await ended(await p.exited);
    },
    async stop() {
      if (!proc) throw new Error(`agent ${opts.ref.agent} is not running`);
      const p = proc;
      p.child.kill('SIGTERM');
      // The agent drains for 10 s at most; a hang past a minute is a bug, ended the hard way.
      const guard = setTimeout(() => p.child.kill('SIGKILL'), 60_000);
      const exit = await p.exited;
      clearTimeout(guard);
      return ended(exit);
    },
    async finish(deadlineMs = 180_000) {
      if (proc) await agent.stop();
      const deadline = Date.now() + deadlineMs;
      while ((await agent.pending()) > 0 && Date.now() < deadline) {
        await agent.start(['--frames', '1']);
        const p = proc as AgentProcess | undefined;
        if (p) await ended(await p.exited);
      }
    },
    async setClockOffset(ms) {
      if (!clockFile) throw new Error(`agent ${opts.ref.agent} was created without a clock offset`);
      await writeFile(clockFile, String(ms));
      proc?.child.kill('SIGUSR2');
    },
    pending: async () => (await readOutbox(stateDir)).pending.length,
    acked: async () => (await readOutbox(stateDir)).watermark,
    created: () => archive.created(),
  };
  return agent;
}
