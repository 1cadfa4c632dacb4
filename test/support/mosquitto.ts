import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './wait.ts';

export interface Mosquitto {
  url: string;
  port: number;
  /** Where it keeps its persistence file; pass it to a restart to keep queued messages. */
  dataDir: string;
  /** SIGHUP: Mosquitto rereads its password and ACL files (and disconnects users no longer in them). */
  reload(): void;
  /** Its `sightline-hub broker mosquitto` directory, if it checks logins; pass it to a restart. */
  authDir: string | undefined;
  /** `keepData` leaves the persistence file for a restart. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /** kill -9: no final save; what survives is the last snapshot. Keeps the data dir. */
  kill(): Promise<void>;
}

/**
 * Starts Debian's mosquitto on a free loopback port (install: apt-get install mosquitto), with
 * persistence as a production broker must have: sessions and queued QoS 1 messages survive a restart
 * that reuses `dataDir`. The queue for an offline client is unbounded (`max_queued_messages 0`; the
 * default, 1000, drops the rest silently while the hub is away). Mosquitto 2.0 saves a snapshot on
 * shutdown and every `autosave_interval` (30 min); `saveEveryChange` snapshots after every change
 * instead, the closest it comes to surviving kill -9: it still loses the messages it acknowledged
 * between the last snapshot and the kill (measured: one per publisher in flight).
 */
export async function startMosquitto(
  opts: {
    port?: number;
    binary?: string;
    dataDir?: string;
    /** Listener settings in place of `allow_anonymous true`, e.g. the sightline.conf `broker mosquitto` writes. */
    auth?: string;
    /** A snapshot after every change (autosave_on_changes), as the fault suite's broker runs. */
    saveEveryChange?: boolean;
    /**
     * A directory written by `sightline-hub broker mosquitto --out DIR` (password file, pattern ACL, sightline.conf):
     * included, so only the hub and provisioned agents get in, each to its own topics. Without it: anonymous.
     */
    authDir?: string;
  } = {},
): Promise<Mosquitto> {
  const binary = opts.binary ?? '/usr/sbin/mosquitto';
  const dir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'sl-mosquitto-')));
  // A free port can be taken between choosing it and mosquitto binding it (tests start brokers side by side):
  // a broker that exits before it listens is started again on another port, unless the port was asked for.
  let launched: { child: ChildProcess; port: number } | undefined;
  for (let attempt = 1; !launched; attempt += 1) {
    const port = opts.port ?? (await freePort());
    const child = await launch(binary, dir, port, opts);
    if (child) launched = { child, port };
    else if (opts.port !== undefined || attempt >= 3) {
      throw new Error(`mosquitto exited before listening on port ${port} (${attempt} attempts); see above`);
    }
  }
  const { child, port } = launched;
  return {
    authDir: opts.authDir,
    url: `mqtt://127.0.0.1:${port}`,
    port,
    dataDir: dir,
    reload: () => child.kill('SIGHUP'),
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!keepData) await rm(dir, { recursive: true, force: true });
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Starts mosquitto on `port`; the child once it listens, undefined if it exited first (e.g. the port was taken). */
async function launch(
  binary: string,
  dir: string,
  port: number,
  opts: { auth?: string; saveEveryChange?: boolean; authDir?: string },
): Promise<ChildProcess | undefined> {
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(
    conf,
    // Started as root, mosquitto would switch to user "mosquitto", who cannot write the temp dir.
    // max_queued_messages 0: Mosquitto's default (1000) drops QoS 1 messages queued for a subscriber that falls
    // behind, after it acknowledged them to their sender — results would be lost between agent and hub.
    // The exported sightline.conf goes right under the listener, as its own header says: through include_dir,
    // Mosquitto applies its per-listener lines (use_username_as_clientid) to a default listener it then opens on
    // 0.0.0.0:1883, not to this one, and a second broker started beside it exits on that port.
    `listener ${port} 127.0.0.1\n${opts.authDir ? await readFile(join(opts.authDir, 'sightline.conf'), 'utf8') : ''}\n${opts.auth ? `${opts.auth}\n` : opts.authDir ? '' : 'allow_anonymous true\n'}user root\npersistence true\npersistence_location ${dir}/\nmax_queued_messages 0\n${
      opts.saveEveryChange ? 'autosave_on_changes true\nautosave_interval 1\n' : ''
    }`,
  );
  const child: ChildProcess = spawn(binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  // A hang guard, not a speed check: a loaded 2-core machine can take seconds to start a process.
  const listening = await Promise.race([
    spawnError,
    waitFor(`mosquitto on port ${port}`, 60_000, () =>
      exited
        ? Promise.resolve('exited' as const)
        : // Its own "running" line first: a connect alone could reach another broker that holds the port.
          !/ running/.test(stderr)
          ? undefined
          : new Promise<'listening' | undefined>((done) => {
              const socket = createConnection({ host: '127.0.0.1', port }, () => {
                socket.end();
                done('listening');
              });
              socket.once('error', () => done(undefined));
            }),
    ).catch((err: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${err.message}; mosquitto said: ${stderr.trim() || '(nothing)'}`);
    }),
  ]);
  if (listening === 'listening' && !exited) return child;
  process.stderr.write(
    `mosquitto on port ${port} exited before listening: ${stderr.trim() || '(nothing)'}\n`,
  );
  return undefined;
}
