import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { AgentError } from '../errors.ts';
import type { TriggerConfig } from './config.ts';

type GpioConfig = Extract<TriggerConfig, { kind: 'gpio' }>;

/** A source of trigger edges: one interface for the GPIO line and its test double. */
export interface TriggerInput {
  /** Starts watching; `onEdge` is called once per accepted (debounced) edge. */
  start(onEdge: () => void): Promise<void>;
  stop(): Promise<void>;
}

/** libgpiod's major version, from `gpiomon --version` ("gpiomon (libgpiod) v1.6.3" / "v2.1"). */
export function parseGpiomonVersion(text: string): 1 | 2 | undefined {
  const m = /libgpiod\)?\s+v?(\d+)\./.exec(text);
  return m?.[1] === '1' ? 1 : m?.[1] === '2' ? 2 : undefined;
}

/**
 * gpiomon's arguments: libgpiod 2 has `--chip`, `--edges`, `--debounce-period` and `--bias`; libgpiod 1
 * has `--rising-edge`/`--falling-edge` and `--bias` (1.5+), and no debounce (done here on the kernel's
 * timestamps instead). Both print `<edge> <seconds>` per event.
 */
export function gpiomonArgs(c: GpioConfig, version: 1 | 2): string[] {
  if (version === 2) {
    return [
      '--chip',
      c.chip,
      '--edges',
      c.edge,
      ...(c.debounceMs > 0 ? ['--debounce-period', `${Math.round(c.debounceMs * 1000)}us`] : []),
      ...(c.bias === 'as-is' ? [] : ['--bias', c.bias]),
      ...(c.activeLow ? ['--active-low'] : []),
      '--format',
      '%e %S',
      String(c.line),
    ];
  }
  return [
    ...(c.edge === 'rising' ? ['--rising-edge'] : c.edge === 'falling' ? ['--falling-edge'] : []),
    ...(c.bias === 'as-is' ? [] : [`--bias=${c.bias}`]),
    ...(c.activeLow ? ['--active-low'] : []),
    '--format=%e %s.%n',
    c.chip,
    String(c.line),
  ];
}

/** Debounces edges by their kernel timestamps (s): an edge within `ms` of the last accepted one is bounce. */
export function createDebounce(ms: number) {
  let last = Number.NEGATIVE_INFINITY;
  return (seconds: number): boolean => {
    if ((seconds - last) * 1000 < ms) return false;
    last = seconds;
    return true;
  };
}

/**
 * A photo-eye on a GPIO input line through the Linux GPIO character device, by libgpiod's own `gpiomon`
 * tool (Debian/Ubuntu package `gpiod`, on Jetsons and Raspberry Pis too) run as a child process: no
 * native addon to build, the kernel's edge detection and debounce, and both libgpiod 1 and 2. Its
 * output is line-buffered (`stdbuf -oL`), so an edge reaches the agent within a millisecond. A gpiomon
 * that exits (chip busy, cable) is reported and restarted.
 */
export function createGpioInput(config: GpioConfig, camera: string, log: Logger): TriggerInput {
  let child: ChildProcess | undefined;
  let stopping = false;
  let restart: NodeJS.Timeout | undefined;

  const version = async (): Promise<1 | 2> => {
    try {
      const { stdout, stderr } = await promisify(execFile)(config.gpiomon, ['--version'], { timeout: 5000 });
      const v = parseGpiomonVersion(`${stdout}${stderr}`);
      if (v) return v;
      throw new Error(`unrecognised version text: ${stdout.split('\n')[0]}`);
    } catch (cause) {
      const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
      throw new AgentError(
        'SL_TRIGGER_UNAVAILABLE',
        `camera ${camera}: the gpio trigger (cameras[].trigger) needs libgpiod's gpiomon${missing ? `, and "${config.gpiomon}" is not installed: sudo apt-get install gpiod` : `: ${(cause as Error).message}`}`,
        { cause },
      );
    }
  };

  return {
    async start(onEdge) {
      const args = gpiomonArgs(config, await version());
      const debounce = createDebounce(config.debounceMs);
      const run = () => {
        const c = spawn('stdbuf', ['-oL', config.gpiomon, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        child = c;
        let buffered = '';
        let stderr = '';
        c.stdout?.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) {
            const seconds = Number(line.trim().split(/\s+/)[1]);
            if (Number.isFinite(seconds) && debounce(seconds)) onEdge();
          }
        });
        c.stderr?.on('data', (chunk: Buffer) => {
          stderr = (stderr + chunk.toString()).slice(-400);
        });
        c.once('exit', (code) => {
          if (stopping) return;
          log.error(
            {
              event: 'gpio_input_failed',
              camera,
              chip: config.chip,
              line: config.line,
              code,
              err: stderr.trim(),
            },
            `camera ${camera}: gpiomon on ${config.chip} line ${config.line} exited (${code}): ${stderr.trim()}; restarting in 2 s`,
          );
          restart = setTimeout(run, 2000);
        });
      };
      run();
    },
    async stop() {
      stopping = true;
      clearTimeout(restart);
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child?.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
