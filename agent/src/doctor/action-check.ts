import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActionConfig } from '../act/index.ts';
import { type Check, errorMessage, fail, pass } from './check.ts';

/**
 * Checks that each action can run, without triggering it: the command exists and is executable,
 * the GPIO line's sysfs files are writable. HTTP endpoints are not called (that would act).
 */
export async function checkActions(actions: readonly ActionConfig[]): Promise<Check[]> {
  const checks: Check[] = [];
  for (const [i, a] of actions.entries()) {
    const name = `action ${i + 1} (${a.kind})`;
    if (a.kind === 'command') {
      const file = a.argv[0] ?? '';
      if (!file.startsWith('/')) {
        checks.push(
          fail(
            name,
            `${file} is not an absolute path`,
            `use the full path (\`command -v ${file}\`): the service has a minimal PATH`,
          ),
        );
        continue;
      }
      try {
        await access(file, constants.X_OK);
        checks.push(pass(name, `${file} is executable; runs on ${a.on.join(', ')}`));
      } catch (err) {
        checks.push(
          fail(name, `cannot run ${file}: ${errorMessage(err)}`, `install it, or chmod +x ${file}`),
        );
      }
    } else if (a.kind === 'gpio') {
      const value = join(a.sysfsRoot, `gpio${a.line}`, 'value');
      const target = await access(value, constants.W_OK).then(
        () => value,
        () =>
          access(join(a.sysfsRoot, 'export'), constants.W_OK).then(
            () => join(a.sysfsRoot, 'export'),
            () => undefined,
          ),
      );
      checks.push(
        target
          ? pass(name, `line ${a.line}: ${target} is writable; pulses ${a.pulseMs} ms on ${a.on.join(', ')}`)
          : fail(
              name,
              `line ${a.line}: neither ${value} nor ${a.sysfsRoot}/export is writable`,
              'add the sightline user to the gpio group (and a udev rule for /sys/class/gpio), or use gpioset through a command action',
            ),
      );
    } else if (a.kind === 'http') {
      checks.push(pass(name, `POST ${a.url} on ${a.on.join(', ')} (not called by the doctor)`));
    }
  }
  return checks;
}
