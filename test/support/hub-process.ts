import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { authFileBeside, withCredentialsFile } from './credentials.ts';
import { waitFor } from './wait.ts';

const root = resolve(import.meta.dirname, '..', '..');

export interface HubProcessOptions {
  /** DuckDB file of the hub. */
  dbPath: string;
  /** External broker; without it the hub runs its embedded broker on a free port. */
  brokerUrl?: string;
  /** Start-up deadline; generous, the machine is shared. */
  startMs?: number;
  /** The built dashboard the hub serves. */
  dashboardDir?: string;
  /** More environment for the hub. */
  env?: NodeJS.ProcessEnv;
}

export interface HubExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HubProcess {
  readonly pid: number;
  readonly httpUrl: string;
  /** The broker agents should reach: the embedded one's real port, or the external URL. */
  readonly mqttUrl: string;
  readonly mqttPort: number;
  /** The hub's credentials file (auth.json beside its database): agents' broker logins and API tokens. */
  readonly authFile: string;
  /** An admin API token, made in the credentials file before the hub started. */
  readonly token: string;
  /** fetch() of a path on the hub's API with the admin token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Every log line so far (pino JSON, stdout and stderr). */
  logs(): string;
  /** Parsed JSON log lines at `level` or above (pino: 40 warn, 50 error, 60 fatal). */
  logLines(minLevel: number): Record<string, unknown>[];
  readonly exited: Promise<HubExit>;
  /** Results in the store, from `GET /api/health`; undefined when the hub does not answer. */
  storedCount(): Promise<number | undefined>;
  /** kill -9: no shutdown code runs. Resolves once the process is gone. */
  kill(): Promise<HubExit>;
  /** SIGTERM, the clean shutdown (a frozen hub is thawed first). */
  stop(): Promise<HubExit>;
  /** SIGSTOP: the hub keeps its sockets open but answers nothing (a frozen hub, as a browser sees one). */
  freeze(): void;
  thaw(): void;
  /**
   * Largest file the hub may write from now on, in bytes: its RLIMIT_FSIZE soft limit, set with
   * util-linux `prlimit`. Writes past it fail with EFBIG, as on a full disk; 'unlimited' lifts it.
   */
  setFileSizeLimit(bytes: number | 'unlimited'): Promise<void>;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`${cmd} ${args.join(' ')}: ${err}`))));
  });
}

/**
 * Starts the real `sightline-hub run` CLI in its own process, on free ports, with authentication on as it ships:
 * an admin token goes into its credentials file first (as `sightline-hub tokens add` would); agents get their
 * broker logins from the same file (credentials.ts agentLogin).
 */
export async function spawnHub(opts: HubProcessOptions): Promise<HubProcess> {
  const authFile = authFileBeside(opts.dbPath);
  const token = await withCredentialsFile(
    authFile,
    async (store) => (await store.addToken({ role: 'admin', name: 'test harness' })).secret,
  );
  const hubArgs = [
    resolve(root, 'hub/bin/sightline-hub.js'),
    'run',
    '--db',
    opts.dbPath,
    '--http-port',
    '0',
    ...(opts.brokerUrl ? ['--broker-url', opts.brokerUrl] : ['--mqtt-port', '0']),
  ];
  const child: ChildProcess = spawn(process.execPath, hubArgs, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...opts.env,
      SL_HUB_LOG_LEVEL: 'info',
      ...(opts.dashboardDir ? { SL_HUB_DASHBOARD_DIR: opts.dashboardDir } : {}),
    },
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<HubExit>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  let gone = false;
  void exited.then(() => {
    gone = true;
    // A scenario kept with SL_FAULTS_KEEP=1 keeps each hub run's log beside its database.
    // Best effort: beside a database on a full disk (the disk-full scenario) there is no room for it.
    if (process.env.SL_FAULTS_KEEP === '1') {
      try {
        appendFileSync(`${opts.dbPath}.log`, out);
      } catch (err) {
        process.stderr.write(`hub log not kept beside ${opts.dbPath}: ${(err as Error).message}\n`);
      }
    }
  });
  const logLines = (minLevel: number) =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return {};
        }
      })
      .filter((l) => typeof l.level === 'number' && l.level >= minLevel);

  const started = await waitFor(
    `the hub to start (log so far:\n${out.slice(-2000)})`,
    opts.startMs ?? 60_000,
    () => {
      if (gone) throw new Error(`hub exited during start-up:\n${out.slice(-4000)}`);
      return logLines(30).find((l) => typeof l.url === 'string' && typeof l.mqtt === 'string');
    },
  ).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  const httpUrl = started.url as string;
  const mqttUrl = started.mqtt as string;
  const pid = child.pid as number;

  const signal = async (sig: NodeJS.Signals) => {
    if (!gone) {
      child.kill('SIGCONT');
      child.kill(sig);
    }
    // A clean shutdown that hangs for a minute is a bug of its own; end it the hard way.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const exit = await exited;
    clearTimeout(guard);
    return exit;
  };
  return {
    pid,
    httpUrl,
    mqttUrl,
    mqttPort: Number(new URL(mqttUrl).port),
    authFile,
    token,
    api: (path, init = {}) =>
      fetch(`${httpUrl}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
      }),
    logs: () => out,
    logLines,
    exited,
    async storedCount() {
      try {
        const res = await fetch(`${httpUrl}/api/health`, { signal: AbortSignal.timeout(10_000) });
        const body = (await res.json()) as { store?: { results?: unknown } };
        return typeof body.store?.results === 'number' ? body.store.results : undefined;
      } catch {
        return undefined;
      }
    },
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
    setFileSizeLimit: (bytes) => run('prlimit', ['--pid', String(pid), `--fsize=${bytes}:unlimited`]),
  };
}
