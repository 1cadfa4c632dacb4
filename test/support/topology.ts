import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { agentLogin, authFileBeside, exportForMosquitto } from './credentials.ts';
import { type ResultsDeadLetter, readResultsDeadLetters, readStoredResults } from './hub-db.ts';
import { type HubProcess, spawnHub } from './hub-process.ts';
import { createManagedAgent, type ManagedAgent } from './managed-agent.ts';
import { type Mosquitto, startMosquitto } from './mosquitto.ts';
import { type Tally, tally } from './tally.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
import { waitFor } from './wait.ts';

export interface TopologyOptions {
  /** Agent processes, each on its own line `line-<i>` with a synthetic camera (default 3). */
  agents?: number;
  /** The hub's embedded broker (default), or Mosquitto with persistence, the hub behind a proxy too. */
  broker?: 'embedded' | 'mosquitto';
  /** Frames per second of each agent's camera (default 10). */
  fps?: number;
  /** Top-level agent config keys merged over the defaults. */
  agentConfig?: Record<string, unknown>;
  /** Start agent i with its wall clock shifted by this (ms); undefined = the real clock. */
  clockOffsetMs?: (i: number) => number | undefined;
  /** Directory of the hub's DuckDB file (default: the topology's own temp dir). */
  dbDir?: string;
}

/**
 * Hub process + N agent processes + TCP proxies between them (and Mosquitto when asked), running
 * and idle-ready in a few lines:
 *
 *   agents ──▶ agentProxy ──▶ broker (the hub's embedded one, or Mosquitto) ◀── hubProxy ◀── hub
 *
 * Processes are real (`sightline-hub run`, `sightline-agent run`); everything listens on free ports.
 * Restarting the hub or the broker retargets the proxies, so agents keep one broker URL throughout.
 */
export interface Topology {
  readonly dir: string;
  readonly dbPath: string;
  /** The current hub process (replaced by restartHub). */
  readonly hub: HubProcess;
  readonly agents: readonly ManagedAgent[];
  /** Between the agents and the broker. */
  readonly agentProxy: TcpProxy;
  /** Between the hub and Mosquitto (mosquitto mode only). */
  readonly hubProxy: TcpProxy | undefined;
  readonly mosquitto: Mosquitto | undefined;
  /** Hub processes that exited by themselves (each was started again). */
  readonly hubCrashes: number;
  killHub(): Promise<void>;
  /** Starts a new hub process on the same database after killHub (or returns the one running). */
  restartHub(): Promise<HubProcess>;
  /** kill -9 of Mosquitto, then a restart on its persistence (mosquitto mode only). */
  killBroker(): Promise<void>;
  restartBroker(): Promise<void>;
  /** Results the hub reports stored (0 while it does not answer). */
  storedCount(): Promise<number>;
  /** Results all agents created so far (reads their outbox archives). */
  createdCount(): Promise<number>;
  /** Waits until the hub reports at least `n` results stored. */
  waitStored(n: number, what: string, timeoutMs?: number): Promise<void>;
  /**
   * Ends the run and counts: stops every agent once its outbox is empty, waits for the hub to store
   * what they sent, stops the hub, reads its DuckDB file and compares result by result.
   */
  finish(): Promise<RunTally>;
  /** Stops whatever still runs and removes the temp dir. Idempotent. */
  close(): Promise<void>;
}

export interface RunTally extends Tally {
  /** Hub processes that exited by themselves during the run (each was started again). */
  hubCrashes: number;
  /** Results messages the hub refused (dead letters): their seqs were let go by the agent, so they read as lost. */
  refused: ResultsDeadLetter[];
}

/** Generous deadlines: the machine is shared and slow; none of them is what a test asserts. */
export const DEADLINE_MS = 180_000;

export async function startTopology(opts: TopologyOptions = {}): Promise<Topology> {
  const dir = await mkdtemp(join(tmpdir(), 'sl-faults-'));
  const dbPath = join(opts.dbDir ?? dir, 'hub.duckdb');
  const stops: (() => Promise<unknown>)[] = [];
  let mosquitto: Mosquitto | undefined;
  let hubProxy: TcpProxy | undefined;
  let agentProxy: TcpProxy | undefined;
  let hub: HubProcess | undefined;
  const agents: ManagedAgent[] = [];
  let closed = false;
  // Hub processes ended on purpose, and those gone by themselves; launches run one at a time.
  const ended = new WeakSet<HubProcess>();
  const gone = new WeakSet<HubProcess>();
  let hubCrashes = 0;
  let launching: Promise<unknown> = Promise.resolve();

  const close = async () => {
    if (closed) return;
    closed = true;
    for (const a of agents) await a.kill().catch(() => undefined);
    await launching.catch(() => undefined);
    if (hub) ended.add(hub);
    await hub?.kill().catch(() => undefined);
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    // SL_FAULTS_KEEP=1 keeps the run's files (agent logs and state, the hub's database) to look into a failure.
    if (process.env.SL_FAULTS_KEEP === '1') process.stderr.write(`kept ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  };

  try {
    // Every agent's broker login, provisioned first as `sightline-hub agents add` does, in the hub's credentials file.
    const count = opts.agents ?? 3;
    const refs = Array.from({ length: count }, (_, i) => ({
      site: 'faults',
      line: `line-${i + 1}`,
      agent: `agent-${i + 1}`,
    }));
    const logins = [];
    for (const ref of refs) logins.push(await agentLogin(authFileBeside(dbPath), ref));
    if (opts.broker === 'mosquitto') {
      await mkdir(join(dir, 'mosquitto'));
      // Mosquitto checks the same logins: its password file and ACL exported by `sightline-hub broker mosquitto`.
      const authDir = join(dir, 'mosquitto-auth');
      await exportForMosquitto(dbPath, authDir);
      mosquitto = await startMosquitto({ dataDir: join(dir, 'mosquitto'), saveEveryChange: true, authDir });
      hubProxy = await startTcpProxy(mosquitto.port);
      stops.push(
        () => (mosquitto as Mosquitto).stop(),
        () => (hubProxy as TcpProxy).close(),
      );
    }
    const alive = (h: HubProcess | undefined): h is HubProcess => !!h && !gone.has(h) && !ended.has(h);
    /** Starts a hub unless one is already up (checked in turn, after any launch before it). */
    const launch = () => {
      const next = launching
        .catch(() => undefined)
        .then(async () => {
          if (alive(hub)) return hub;
          const h = await spawnHub({ dbPath, ...(hubProxy ? { brokerUrl: hubProxy.url } : {}) });
          hub = h;
          if (!mosquitto) agentProxy?.retarget(h.mqttPort);
          void h.exited.then(() => {
            gone.add(h);
            if (!ended.has(h) && !closed && hub === h) void restartCrashed(h);
          });
          return h;
        });
      launching = next;
      return next;
    };
    // Like a service manager (Restart=always): a hub that exits by itself is started again, until
    // it stays up; its data guarantee is what the scenarios judge, not how it copes.
    const restartCrashed = async (h: HubProcess) => {
      hubCrashes += 1;
      while (!closed && hub === h) {
        await launch().catch(() => new Promise((r) => setTimeout(r, 1000)));
      }
    };
    const first = await launch();
    const proxy = await startTcpProxy(mosquitto ? mosquitto.port : first.mqttPort);
    agentProxy = proxy;
    stops.push(() => proxy.close());

    for (let i = 1; i <= count; i += 1) {
      const clockOffsetMs = opts.clockOffsetMs?.(i - 1);
      agents.push(
        await createManagedAgent({
          dir,
          ref: refs[i - 1] as (typeof refs)[number],
          brokerUrl: proxy.url,
          login: logins[i - 1] as (typeof logins)[number],
          seed: 100 + i,
          ...(opts.fps === undefined ? {} : { fps: opts.fps }),
          ...(opts.agentConfig ? { config: opts.agentConfig } : {}),
          ...(clockOffsetMs === undefined ? {} : { clockOffsetMs }),
        }),
      );
    }
    await Promise.all(agents.map((a) => a.start()));

    const storedCount = async () => (await hub?.storedCount()) ?? 0;
    const createdCount = async () => {
      let n = 0;
      for (const a of agents) n += (await a.created()).size;
      return n;
    };
    const topology: Topology = {
      dir,
      dbPath,
      get hub() {
        return hub as HubProcess;
      },
      agents,
      agentProxy: proxy,
      hubProxy,
      get mosquitto() {
        return mosquitto;
      },
      get hubCrashes() {
        return hubCrashes;
      },
      async killHub() {
        await launching.catch(() => undefined);
        if (!hub) return;
        ended.add(hub);
        await hub.kill();
      },
      restartHub: launch,
      async killBroker() {
        if (!mosquitto) throw new Error('killBroker: this topology runs the embedded broker');
        await mosquitto.kill();
      },
      async restartBroker() {
        if (!mosquitto) throw new Error('restartBroker: this topology runs the embedded broker');
        mosquitto = await startMosquitto({
          dataDir: mosquitto.dataDir,
          saveEveryChange: true,
          ...(mosquitto.authDir ? { authDir: mosquitto.authDir } : {}),
        });
        proxy.retarget(mosquitto.port);
        hubProxy?.retarget(mosquitto.port);
      },
      storedCount,
      createdCount,
      async waitStored(n, what, timeoutMs = DEADLINE_MS) {
        await waitFor(
          `${what} (${n} results stored)`,
          timeoutMs,
          async () => (await storedCount()) >= n,
          250,
        );
      },
      async finish() {
        proxy.setMode('pass');
        hubProxy?.setMode('pass');
        await Promise.all(agents.map((a) => a.finish()));
        const created = await Promise.all(
          agents.map(async (a) => ({
            agent: a.ref.agent,
            created: await a.created(),
            acked: await a.acked(),
          })),
        );
        const total = created.reduce((n, c) => n + c.created.size, 0);
        await waitForStore(storedCount, total);
        await launching.catch(() => undefined);
        if (hub) ended.add(hub);
        await hub?.stop();
        const refused = await readResultsDeadLetters(dbPath);
        return { ...tally(created, await readStoredResults(dbPath)), hubCrashes, refused };
      },
      close,
    };
    return topology;
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Waits until the hub has stored `total` results. It gives up early only when the count has not
 * moved for a whole minute with every agent already drained: then nothing more is on its way.
 */
async function waitForStore(storedCount: () => Promise<number>, total: number): Promise<void> {
  let last = -1;
  let movedAt = Date.now();
  await waitFor(
    `the hub to store ${total} results`,
    DEADLINE_MS * 2,
    async () => {
      const n = await storedCount();
      if (n !== last) {
        last = n;
        movedAt = Date.now();
      }
      return n >= total || Date.now() - movedAt > 60_000;
    },
    500,
  ).catch(() => undefined);
}

/**
 * For a test file: `const start = useTopology();`, then `const t = await start({ … })` inside a test.
 * Every topology started is closed after its test, whatever happened.
 */
export function useTopology(): (opts?: TopologyOptions) => Promise<Topology> {
  const open: Topology[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
  });
  return async (opts) => {
    const t = await startTopology(opts);
    open.push(t);
    return t;
  };
}
