import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DASHBOARD = join(ROOT, 'dashboard');
export const DIST = join(DASHBOARD, 'dist');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/**
 * Builds dashboard/dist when it is missing or older than the dashboard's sources. Test files run side by
 * side, so one builds at a time (a folder made with mkdir is the lock) and the others then find it fresh.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const lock = `${DIST}.building`;
  // A lock older than a build can take was left by a killed run.
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    await buildIfStale();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function buildIfStale(): Promise<void> {
  const built = await stat(join(DIST, 'index.html')).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const sources = Math.max(
    await newestMtime(join(DASHBOARD, 'src')),
    (await stat(join(DASHBOARD, 'index.html'))).mtimeMs,
  );
  if (built > sources) return;
  await promisify(execFile)('pnpm', ['--filter', '@sightline/dashboard', 'build'], { cwd: ROOT });
}

/** Debian's Chromium, headless, with nothing that talks to the network by itself. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
