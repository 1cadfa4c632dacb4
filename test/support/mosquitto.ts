import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './wait.ts';

export interface Mosquitto {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts Debian's mosquitto on a free loopback port (install: apt-get install mosquitto). */
export async function startMosquitto(opts: { port?: number; binary?: string } = {}): Promise<Mosquitto> {
  const binary = opts.binary ?? '/usr/sbin/mosquitto';
  const dir = await mkdtemp(join(tmpdir(), 'sl-mosquitto-'));
  const port = opts.port ?? (await freePort());
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const child: ChildProcess = spawn(binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  await Promise.race([
    spawnError,
    waitFor(
      `mosquitto on port ${port} (${stderr})`,
      10_000,
      () =>
        new Promise<boolean>((done) => {
          const socket = createConnection({ host: '127.0.0.1', port }, () => {
            socket.end();
            done(true);
          });
          socket.once('error', () => done(false));
        }),
    ),
  ]);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
