import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The hottest thermal zone in °C (x86 boxes and Jetsons expose /sys/class/thermal), or undefined
 * where the device has none (containers, VMs).
 */
export async function readTemperatureC(root = '/sys/class/thermal'): Promise<number | undefined> {
  let zones: string[];
  try {
    zones = (await readdir(root)).filter((z) => z.startsWith('thermal_zone'));
  } catch {
    return undefined;
  }
  let hottest: number | undefined;
  for (const zone of zones) {
    const milli = Number.parseInt(await readFile(join(root, zone, 'temp'), 'utf8').catch(() => ''), 10);
    if (Number.isFinite(milli) && milli > -50_000 && milli < 200_000)
      hottest = Math.max(hottest ?? -Infinity, milli / 1000);
  }
  return hottest;
}
