import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

export interface HubProcess {
  /** HTTP base, e.g. http://127.0.0.1:41234 */
  url: string;
  mqttUrl: string;
  child: ChildProcess;
  /** SIGSTOP: the hub keeps its sockets open but answers nothing (a frozen hub). */
  freeze(): void;
  thaw(): void;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /** Everything it logged (pino JSON lines). */
  log(): string;
}

/**
 * The real `sightline-hub` CLI in its own process (free ports, a DuckDB file in `dir`), so a test can freeze
 * it (SIGSTOP) the way a stuck hub looks to a browser. Resolves once it logs its URLs.
 */
export async function spawnHub(
  dir: string,
  opts: { dashboardDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<HubProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'hub/src/cli/index.ts',
      'run',
      '--http-port',
      '0',
      '--mqtt-port',
      '0',
      '--db',
      join(dir, 'hub.duckdb'),
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...opts.env,
        SL_HUB_LOG_LEVEL: 'info',
        ...(opts.dashboardDir ? { SL_HUB_DASHBOARD_DIR: opts.dashboardDir } : {}),
      },
    },
  );
  let log = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const ready = new Promise<{ url: string; mqtt: string }>((done, fail) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      for (const line of log.split('\n')) {
        if (!line.includes('"mqtt"')) continue;
        try {
          const entry = JSON.parse(line) as { url?: string; mqtt?: string };
          if (entry.url && entry.mqtt) done({ url: entry.url, mqtt: entry.mqtt });
        } catch {
          // a partial line; the next chunk completes it
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => fail(new Error(`the hub exited before it was ready:\n${log.slice(-2000)}`)));
  });
  const { url, mqtt } = await ready;
  return {
    url,
    mqttUrl: mqtt,
    child,
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
    log: () => log,
  };
}
