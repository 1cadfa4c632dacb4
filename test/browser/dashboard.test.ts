import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startHub } from '@sightline/hub';
import { type AgentRef, encode, type InspectionResultInput, ResultsBatch, topics } from '@sightline/protocol';
import type { MqttClient } from 'mqtt';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiJson, apiToken, hubClient } from '../support/credentials.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DASHBOARD = join(ROOT, 'dashboard');
const DIST = join(DASHBOARD, 'dist');
const SCREENSHOT = join(ROOT, '.tmp', 'dashboard.png');
const LINE_A: AgentRef = { site: 'plant-1', line: 'line-a', agent: 'cam-a1' };
const LINE_B: AgentRef = { site: 'plant-1', line: 'line-b', agent: 'cam-b1' };

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** Builds dashboard/dist when it is missing or older than the dashboard's sources. */
async function ensureDashboardBuilt(): Promise<void> {
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

/** `count` results from `seq` on, one every 500 ms (120 parts/min) up to `endTs`, the first `defects` defective. */
function results(seq: number, count: number, defects: number, endTs: number): InspectionResultInput[] {
  return Array.from({ length: count }, (_, i) => {
    const defect = i < defects;
    return {
      seq: seq + i,
      ts: endTs - (count - 1 - i) * 500,
      frame: `frame-${seq + i}`,
      model: { id: 'default', version: '1.0.0' },
      verdict: defect ? 'defect' : 'ok',
      score: defect ? 0.91 : 0.08,
      threshold: 0.5,
      latency: { capture: 2, preprocess: 1, infer: 6, total: 9 },
    };
  });
}

async function publishResults(
  client: MqttClient,
  ref: AgentRef,
  batch: InspectionResultInput[],
): Promise<void> {
  const payload = encode(ResultsBatch, { session: `s-${ref.agent}`, results: batch });
  await client.publishAsync(topics.results(ref), payload, { qos: 1 });
}

/** Polls `read` until `accept` holds; fails after `ms` with the last value seen. */
async function waitFor<T>(read: () => Promise<T>, accept: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${ms} ms; last value ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface LineRow {
  line: string;
  inspected: number;
  defects: number;
}

describe('dashboard in Chromium against a real hub', () => {
  let hub: Awaited<ReturnType<typeof startHub>>;
  let client: MqttClient;
  let browser: Browser;
  let page: Page;
  let dir: string;

  const apiLines = async (): Promise<LineRow[]> => {
    return (await apiJson<{ lines: LineRow[] }>(hub, '/api/lines?window=5m')).lines;
  };
  const inspected = async (line: string) => (await apiLines()).find((l) => l.line === line)?.inspected ?? 0;
  const card = (line: string) => page.locator(`sl-line-card[data-line="${line}"]`);
  const text = async (line: string, cls: string) =>
    ((await card(line).locator(cls).textContent()) ?? '').trim();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sl-dashboard-'));
    await ensureDashboardBuilt();
    hub = await startHub({
      broker: { port: 0 },
      http: { port: 0 },
      store: { path: join(dir, 'hub.duckdb') },
      dashboard: { dir: DIST },
      log: { level: 'silent' },
    });
    // Results published with the hub's own login stand in for the agents of two lines.
    client = await hubClient(hub, 'dashboard-test');
    // line-a's first 100 parts ran from 100 s to 50 s ago; the test adds the next 100 later.
    const now = Date.now();
    await publishResults(client, LINE_A, results(0, 100, 7, now - 50_000));
    await publishResults(client, LINE_B, results(0, 50, 1, now));
    await waitFor(
      apiLines,
      (lines) => lines.map((l) => `${l.line}:${l.inspected}`).join() === 'line-a:100,line-b:50',
    );
    browser = await chromium.launch({
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
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    // Signed in: the token cookie the hub's sign-in sets (POST /api/auth/session).
    await page.context().addCookies([
      {
        name: 'sl_token',
        value: await apiToken(hub),
        url: hub.httpUrl,
        httpOnly: true,
        sameSite: 'Strict',
      },
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await client?.endAsync();
    await hub?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('shows each line’s defect rate, interval and volume from the hub', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(hub.httpUrl);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sightline');

    await waitFor(
      () => text('line-a', '.rate'),
      (t) => t === '7.0 %',
    );
    expect(await text('line-a', '.inspected')).toBe('n = 100');
    expect(await text('line-a', '.defects')).toBe('7');
    expect(await text('line-a', '.agents')).toBe('1');
    // 100 parts 500 ms apart: 99 gaps in 49.5 s.
    expect(await text('line-a', '.throughput')).toBe('120 parts/min');
    // Wilson 95 % interval of 7/100 (z = 1.96) is 3.43 %–13.75 %; 0.137497 rounds down.
    expect((await text('line-a', '.ci')).replace(/\s+/g, ' ')).toBe('95 % CI 3.4–13.7 %');
    expect(await card('line-a').getByRole('img').getAttribute('aria-label')).toBe(
      'Defect rate 7.0 %, 95 % interval 3.4 to 13.7 %',
    );

    expect(await text('line-b', '.rate')).toBe('2.0 %');
    expect(await text('line-b', '.inspected')).toBe('n = 50');
    expect(await text('line-b', '.defects')).toBe('1');
    expect(await text('line-b', '.throughput')).toBe('120 parts/min');
    // No ground truth was sent, so none is shown.
    expect(await card('line-b').locator('.truth').count()).toBe(0);

    await waitFor(
      () => page.getByRole('status').first().textContent(),
      (t) => (t ?? '').includes('Hub healthy'),
    );
    expect(errors).toEqual([]);
  }, 60_000);

  it('updates a card live, without reloading, when more results arrive', async () => {
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    await publishResults(client, LINE_A, results(100, 100, 3, Date.now()));
    await waitFor(
      () => inspected('line-a'),
      (n) => n === 200,
    );

    // 10 defects in 200 inspected.
    await waitFor(
      () => text('line-a', '.rate'),
      (t) => t === '5.0 %',
    );
    expect(await text('line-a', '.inspected')).toBe('n = 200');
    expect(await text('line-a', '.defects')).toBe('10');
    expect(await text('line-b', '.rate')).toBe('2.0 %');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    await waitFor(
      () => page.getByText(/results stored/).textContent(),
      (t) => (t ?? '').startsWith('250 results stored'),
    );

    await mkdir(join(ROOT, '.tmp'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  }, 60_000);

  it('switches the window on request and keeps it in the URL', async () => {
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/lines?window=8h'));
    await page.getByRole('radio', { name: 'last 8 h' }).check();
    expect((await answered).status()).toBe(200);
    await waitFor(
      () => page.locator('section.grid').getAttribute('aria-busy'),
      (busy) => busy === 'false',
    );
    expect(new URL(page.url()).searchParams.get('window')).toBe('8h');
    expect(await page.getByText('last 8 h').count()).toBe(1);
    expect(await text('line-a', '.rate')).toBe('5.0 %');
    expect(await text('line-a', '.inspected')).toBe('n = 200');
  }, 60_000);
});
