import { mkdir, open, statfs, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { HubState } from '@sightline/protocol';
import { type Check, errorMessage, fail, pass } from './check.ts';

const mb = (bytes: number) =>
  bytes >= 10 * 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GB` : `${Math.round(bytes / 2 ** 20)} MB`;

/** The state dir exists (or can be made), takes a synced write, and its disk has room. */
export async function checkStateDir(dir: string, minFreeMB: number): Promise<Check[]> {
  const abs = resolve(dir);
  const probe = join(abs, `.doctor-${process.pid}`);
  try {
    await mkdir(abs, { recursive: true });
    const file = await open(probe, 'w');
    try {
      await file.write('sightline doctor\n');
      await file.sync();
    } finally {
      await file.close();
    }
    await unlink(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return [
      fail(
        'state dir',
        `cannot write to ${abs}: ${errorMessage(err)}`,
        code === 'EACCES' || code === 'EPERM'
          ? `sudo chown -R sightline:sightline ${abs} (the service runs as the sightline user)`
          : code === 'EROFS'
            ? `${abs} is on a read-only file system; set stateDir to a writable place (/var/lib/sightline)`
            : code === 'ENOSPC'
              ? 'the disk is full: free space (journalctl --vacuum-size=100M, old samples)'
              : 'set stateDir to a writable directory',
      ),
    ];
  }
  const checks = [pass('state dir', `${abs} is writable`)];
  const fs = await statfs(abs);
  const free = fs.bavail * fs.bsize;
  const total = fs.blocks * fs.bsize;
  const detail = `${mb(free)} free of ${mb(total)} on the disk holding ${abs} (need ${minFreeMB} MB)`;
  checks.push(
    free >= minFreeMB * 2 ** 20
      ? pass('disk space', detail)
      : fail(
          'disk space',
          detail,
          'free space (old logs: journalctl --vacuum-size=100M; samples), or lower outbox.maxMB and samples.maxMB',
        ),
  );
  return checks;
}

/** The clock is set (not 1970 after a power cut) and not behind the hub's. */
export function checkClock(now: number, hubState: HubState | undefined, maxSkewS: number): Check {
  const iso = new Date(now).toISOString();
  const fix =
    "enable time sync: sudo timedatectl set-ntp true (and point it at the plant's NTP server if there is no internet)";
  if (new Date(now).getUTCFullYear() < 2024) {
    return fail('clock', `the clock says ${iso}: it was never set`, fix);
  }
  if (!hubState) return pass('clock', `${iso} (no hub state to compare with)`);
  // The retained state was written when the hub came online, so it can only show a clock that is behind.
  const behindS = (hubState.ts - now) / 1000;
  if (behindS > maxSkewS) {
    return fail('clock', `${iso} is at least ${Math.round(behindS)} s behind the hub's clock`, fix);
  }
  return pass('clock', `${iso}, not behind the hub's clock`);
}
