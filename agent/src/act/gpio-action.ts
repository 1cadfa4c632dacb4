import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { ActionRunner } from './action.ts';
import type { GpioActionConfig } from './config.ts';

const FIX =
  'check that the sightline user is in the gpio group, that the line number is right ' +
  '(cat /sys/kernel/debug/gpio), and on kernels without sysfs GPIO use a command action with gpioset';

/** Waits up to `ms` for udev to create and chmod a freshly exported line. */
async function waitForPath(path: string, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    try {
      await access(path);
      return true;
    } catch {
      if (performance.now() > deadline) return false;
      await delay(20);
    }
  }
}

/**
 * Pulses a sysfs GPIO line: active on trigger, idle after pulseMs. A trigger during a pulse
 * extends it. Latency is until the active level is written; the trigger resolves after the pulse.
 */
export function gpioRunner(config: GpioActionConfig): ActionRunner {
  const dir = join(config.sysfsRoot, `gpio${config.line}`);
  const value = join(dir, 'value');
  const active = config.activeLow ? '0' : '1';
  const idle = config.activeLow ? '1' : '0';
  let ready: Promise<void> | undefined;
  let pulse: { timer: NodeJS.Timeout; waiters: ((error?: string) => void)[] } | undefined;
  // Level writes go out in order, so an idle write can never land after a later active one.
  let writes: Promise<unknown> = Promise.resolve();
  const setLevel = (level: string): Promise<void> => {
    const next = writes.then(() => writeFile(value, level));
    writes = next.catch(() => undefined);
    return next;
  };

  const prepare = async () => {
    if (!(await waitForPath(value, 0))) {
      try {
        await writeFile(join(config.sysfsRoot, 'export'), String(config.line));
      } catch (err) {
        throw new Error(
          `gpio ${config.line}: cannot export via ${config.sysfsRoot}/export: ${(err as Error).message}; ${FIX}`,
        );
      }
      if (!(await waitForPath(value, 1000)))
        throw new Error(`gpio ${config.line}: ${value} did not appear; ${FIX}`);
    }
    const direction = join(dir, 'direction');
    const current = await readFile(direction, 'utf8').catch(() => undefined);
    // 'low'/'high' set the direction and the idle level in one write, so the line never glitches.
    if (current?.trim() !== 'out') await writeFile(direction, config.activeLow ? 'high' : 'low');
  };

  const endPulse = async () => {
    const waiters = pulse?.waiters ?? [];
    pulse = undefined;
    let error: string | undefined;
    try {
      await setLevel(idle);
    } catch (err) {
      error = `gpio ${config.line}: cannot reset ${value}: ${(err as Error).message}; ${FIX}`;
    }
    for (const w of waiters) w(error);
  };

  return async () => {
    const start = performance.now();
    try {
      ready ??= prepare();
      await ready;
      await setLevel(active);
    } catch (err) {
      ready = undefined; // try again next time (the line may be exported later)
      const message = (err as Error).message;
      return {
        latencyMs: performance.now() - start,
        error: message.startsWith('gpio ')
          ? message
          : `gpio ${config.line}: cannot write ${value}: ${message}; ${FIX}`,
      };
    }
    const latencyMs = performance.now() - start;
    const ended = new Promise<string | undefined>((resolve) => {
      const waiters = pulse?.waiters ?? [];
      if (pulse) clearTimeout(pulse.timer);
      waiters.push(resolve);
      pulse = { waiters, timer: setTimeout(() => void endPulse(), config.pulseMs) };
    });
    const error = await ended;
    return error === undefined ? { latencyMs } : { latencyMs, error };
  };
}
