/**
 * pnpm bench:dashboard — the fleet view in headless Chromium with 100 lines × 10 agents of live data.
 *
 * Agents are simulated (test/bench/dashboard-publisher.ts, a child process): 1000 MQTT connections to the
 * hub's embedded broker, each with its own identity (broker credentials made as `sightline-hub agents add` makes
 * them), birth, retained state and will, sending a results message a second and stats every 5 s. The browser
 * signs in with a one-time sign-in link, as a QC lead would. Real agents run ONNX inference; 1000 of them cannot share 2 cores with a hub
 * and a browser, and the dashboard sees only what reaches the hub, which this is, through the real broker.
 *
 * first_paint_ms: navigation start → all 100 tiles drawn with their figures (page clock), on a page signed in
 *   before (the kept token is confirmed meanwhile). first_paint_link_ms: the same, the first time, opened from a
 *   sign-in link (its code is exchanged before the first read); sign_in_ms: navigation → that exchange answered.
 * live_update_ms: a probe result acknowledged by the broker (the embedded broker acknowledges after the
 *   commit, so: stored) → its line's tile showing it, p95 over the probes. The probe line's agents hold their
 *   results around the probe, so the tile's `data-last-ts` equals the probe's capture time only once an
 *   update holding the probe is drawn.
 * Prints one JSON line at the end.
 *   pnpm bench:dashboard [-- --lines 100 --agents 10 --probes 40]
 */
import { fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startHub } from '@sightline/hub';
import type { Page } from 'playwright-core';
import { DASHBOARD_DIST, ensureDashboardBuilt, launchChromium } from '../support/chromium.ts';
import { tempDir } from '../support/hub.ts';
import { waitFor } from '../support/wait.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    lines: { type: 'string', default: '100' },
    agents: { type: 'string', default: '10' },
    probes: { type: 'string', default: '40' },
  },
});
const LINES = Number(values.lines);
const AGENTS = Number(values.agents);
const PROBES = Number(values.probes);
const log = (msg: string) => process.stderr.write(`${msg}\n`);
/** Nearest-rank quantile. */
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
};

await ensureDashboardBuilt();
const tmp = await tempDir('sl-bench-dashboard-');
const hub = await startHub({
  broker: { port: 0 },
  http: { port: 0 },
  store: { path: join(tmp.dir, 'hub.duckdb') },
  dashboard: { dir: DASHBOARD_DIST },
  log: { level: 'silent' },
});

// Authentication is on: each simulated agent gets its own broker login, the bench's reads a viewer token.
const provisionStart = performance.now();
const logins: Record<string, { username: string; password: string }> = {};
const refs = Array.from({ length: LINES * AGENTS }, (_, i) => ({
  site: 'bench',
  line: `line-${String(Math.floor(i / AGENTS)).padStart(3, '0')}`,
  agent: `cam-${i % AGENTS}`,
}));
// A few at a time: each secret is hashed with scrypt (32 MiB), in Node's four-thread pool.
for (let i = 0; i < refs.length; i += 8) {
  await Promise.all(
    refs.slice(i, i + 8).map(async (ref) => {
      const c = await hub.credentials.addAgent(ref, { rotate: true });
      logins[`${ref.line}/${ref.agent}`] = { username: c.username, password: c.password };
    }),
  );
}
const loginsPath = join(tmp.dir, 'logins.json');
await writeFile(loginsPath, JSON.stringify(logins), { mode: 0o600 });
const token = (await hub.credentials.addToken({ role: 'viewer', name: 'bench' })).secret;
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${hub.httpUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}` } });
log(`${refs.length} agents provisioned in ${Math.round((performance.now() - provisionStart) / 1000)} s`);

const publisher = fork(
  join(import.meta.dirname, 'dashboard-publisher.ts'),
  [hub.mqttUrl, String(LINES), String(AGENTS), loginsPath],
  {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  },
);
const stored = new Map<string, { ts: number; at: number }>();
publisher.on('message', (m: { type: string; line?: string; ts?: number; at?: number }) => {
  if (m.type === 'stored' && m.line) stored.set(m.line, { ts: m.ts ?? 0, at: m.at ?? 0 });
});
log(`connecting ${LINES * AGENTS} simulated agents…`);
await new Promise<void>((resolve, reject) => {
  publisher.once('exit', (code) => reject(new Error(`publisher exited (${code})`)));
  publisher.on('message', (m: { type: string }) => m.type === 'ready' && resolve());
});
await waitFor(`${LINES} lines with results`, 60_000, async () => {
  const body = (await (await api('/api/lines?window=5m')).json()) as { lines: unknown[] };
  return body.lines.length >= LINES;
});
log('fleet live; opening the dashboard');

/**
 * The hub's part of the delay, apart from the browser's: a second stream reader here records when each line
 * event arrives with its newest capture time.
 */
const streamSeen = new Map<string, number>();
const streamAbort = new AbortController();
void (async () => {
  const res = await api('/api/stream?window=5m', { signal: streamAbort.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      if (!block.includes('event: line')) continue;
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (!data) continue;
      const u = JSON.parse(data.slice(6)) as { line: string; last_ts: number | null };
      const key = `${u.line}/${u.last_ts}`;
      if (!streamSeen.has(key)) streamSeen.set(key, Date.now());
    }
  }
})().catch(() => undefined);

const browser = await launchChromium();
let result: Record<string, unknown>;
try {
  /** Navigation start → every tile drawn with a rate: polled on animation frames, timed on the page's clock. */
  const paintOf = async (p: Page) =>
    (await (
      await p.waitForFunction(
        (lines) => {
          const fleet = document
            .querySelector('sl-app')
            ?.shadowRoot?.querySelector('sl-fleet-view')?.shadowRoot;
          const tiles = fleet?.querySelectorAll('sl-line-card') ?? [];
          if (tiles.length < lines) return false;
          for (const t of tiles) if (!t.shadowRoot?.querySelector('.rate')?.textContent) return false;
          return performance.now();
        },
        LINES,
        { polling: 'raf', timeout: 60_000 },
      )
    ).jsonValue()) as number;
  // First from a sign-in link; then linked with the token kept, as a control-room screen loads every other time.
  const linked = await browser.context.newPage();
  const { code } = await hub.credentials.addLink({
    role: 'viewer',
    name: 'bench',
    minutes: 10,
    tokenDays: 1,
  });
  await linked.goto(`${hub.httpUrl}/?window=5m#signin=${code}`);
  const linkPaintMs = await paintOf(linked);
  // The sign-in's share of that paint: the code exchanged for a token before the first read.
  const signInMs = await linked.evaluate(() => {
    const redeem = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/auth/redeem'));
    return redeem ? (redeem as PerformanceResourceTiming).responseEnd : null;
  });
  await linked.close();
  const page = await browser.context.newPage();
  await page.goto(`${hub.httpUrl}/?window=5m`);
  const keptPaintMs = await paintOf(page);

  // Record when each tile shows a new newest capture time (browser clock = this machine's clock).
  await page.evaluate(() => {
    const seen: Array<[string, number, number]> = [];
    (globalThis as { slSeen?: typeof seen }).slSeen = seen;
    const root = document.querySelector('sl-app')?.shadowRoot?.querySelector('sl-fleet-view')?.shadowRoot;
    if (!root) throw new Error('no fleet view');
    new MutationObserver((records) => {
      const at = Date.now();
      for (const r of records) {
        const el = r.target as Element;
        seen.push([el.getAttribute('data-line') ?? '', Number(el.getAttribute('data-last-ts')), at]);
      }
    }).observe(root, { subtree: true, attributes: true, attributeFilter: ['data-last-ts'] });
  });

  const latencies: number[] = [];
  const streamLatencies: number[] = [];
  const seenOn = async (line: string, ts: number) => {
    const seen =
      (await page.evaluate(() => (globalThis as { slSeen?: Array<[string, number, number]> }).slSeen)) ?? [];
    return seen.find(([l, t]) => l === line && t === ts)?.[2];
  };
  for (let i = 0; i < PROBES; i++) {
    const line = `line-${String((i * 37) % LINES).padStart(3, '0')}`;
    stored.delete(line);
    publisher.send({ type: 'probe', line });
    const probe = await waitFor(`probe ${i} acknowledged`, 15_000, () => stored.get(line));
    const shown = await waitFor(`probe ${i} on ${line}`, 15_000, () => seenOn(line, probe.ts));
    latencies.push(shown - probe.at);
    const streamed = streamSeen.get(`${line}/${probe.ts}`);
    if (streamed !== undefined) streamLatencies.push(streamed - probe.at);
    publisher.send({ type: 'resume', line });
  }
  // The query behind every line event, timed under the same load (the hub's share of the delay).
  const timed = async (path: string) => {
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await (await api(path)).arrayBuffer();
      ms.push(performance.now() - t0);
    }
    return Math.round(quantile(ms, 0.5));
  };
  // Each read the fleet view makes, timed under the same load (medians of 5).
  const reads = {
    lines: await timed('/api/lines?window=5m'),
    agents: await timed('/api/agents'),
    roi: await timed('/api/roi?window=5m'),
    alarms: await timed('/api/alarms?state=open'),
  };
  const load = (await import('node:os')).loadavg();
  result = {
    bench: 'dashboard',
    lines: LINES,
    agents: LINES * AGENTS,
    probes: PROBES,
    first_paint_ms: Math.round(keptPaintMs),
    first_paint_link_ms: Math.round(linkPaintMs),
    sign_in_ms: signInMs === null ? null : Math.round(signInMs),
    live_update_ms: Math.round(quantile(latencies, 0.95)),
    live_update_p50_ms: Math.round(quantile(latencies, 0.5)),
    live_update_max_ms: Math.round(Math.max(...latencies)),
    // Acknowledged → line event received by a plain stream reader in this process (the hub's share).
    stream_event_p95_ms: Math.round(quantile(streamLatencies, 0.95)),
    read_p50_ms: reads,
    load_avg: Number(load[0]?.toFixed(2)),
  };
} finally {
  streamAbort.abort();
  await browser.close();
  publisher.send({ type: 'stop' });
  await new Promise((r) => publisher.once('exit', r));
  await hub.close();
  await tmp.remove();
}
process.stdout.write(`${JSON.stringify(result)}\n`);
