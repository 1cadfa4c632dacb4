import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const root = ROOT;
export const DASHBOARD_DIST = join(root, 'dashboard', 'dist');
export const SCREENSHOTS = join(root, '.tmp', 'screenshots');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/**
 * Builds dashboard/dist when it is missing or older than the dashboard's or protocol's sources. Test files run
 * side by side, so one builds at a time (a folder made with mkdir is the lock) and the others then find it fresh.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const lock = `${DASHBOARD_DIST}.building`;
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
  const dashboard = join(root, 'dashboard');
  const built = await stat(join(DASHBOARD_DIST, 'index.html')).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const sources = Math.max(
    await newestMtime(join(dashboard, 'src')),
    (await stat(join(dashboard, 'index.html'))).mtimeMs,
    await newestMtime(join(root, 'protocol', 'src')),
  );
  if (built > sources) return;
  await promisify(execFile)('pnpm', ['--filter', '@sightline/dashboard', 'build'], { cwd: root });
}

/** Debian's Chromium, headless, in a fresh profile that is removed on close. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'sl-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    viewport: { width: 1440, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
