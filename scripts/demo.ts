/**
 * pnpm demo: the hub (embedded broker + DuckDB) and three lines, each with an agent on a camera over a
 * simulated conveyor (parts passing a photo-eye, each with its code label) running the default model, as
 * separate processes — the way they run in a plant. Results are per part, not per frame.
 *   pnpm demo                 run until Ctrl-C
 *   pnpm demo --for 20s       run 20 s, then print one JSON summary line and exit
 *   pnpm demo --pilot 3m      how long line-1 runs in pilot before its baseline is frozen and it goes live
 *   --data DIR                where the database, agents' state and logs go (default data/demo; wiped at start)
 *   --prebuilt                serve dashboard/dist as built (no build first)
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type AgentCredentials, createFileStorage, openCredentialStore } from '@sightline/hub';

const root = resolve(import.meta.dirname, '..');
/** Where the hub's database, the agents' state and the logs go (`--data DIR`; wiped at start). */
let dataDir = join(root, 'data', 'demo');
const LINES = [
  { line: 'line-1', defectRate: 0.04, seed: 11, partsPerMin: 120, products: [] },
  // Two products in runs of 20: results and metrics split by recipe.
  { line: 'line-2', defectRate: 0.08, seed: 22, partsPerMin: 90, products: ['plate-a', 'plate-b'] },
  { line: 'line-3', defectRate: 0.15, seed: 33, partsPerMin: 150, products: [] },
] as const;
/** The cameras run free at this rate; each part is inspected in the frame nearest its photo-eye edge. */
const FPS = 30;
/** line-1 starts in pilot (observe-only) so its ROI is measured against a baseline it records itself. */
const PILOT_LINE = 'line-1';
/**
 * Example ROI inputs, so the ROI page computes from the start (a plant enters its own on that page):
 * escape rate before automated inspection, cost of an escaped defect and of a false reject, one-off and yearly cost.
 */
const EXAMPLE_ROI = { e_base: 0.02, c_esc: 45, c_fr: 4, c_int: 6, capex: 15_000, opex_y: 3_000 };

/** One line's agent: a conveyor camera, its photo-eye as trigger, the plate region, ids from each part's DataMatrix. */
function agentConfig(l: (typeof LINES)[number], mqttPort: number, creds: AgentCredentials): string {
  const runs = l.products.map((recipe) => `{ recipe: ${recipe}, parts: 20 }`).join(', ');
  return [
    `site: demo`,
    `line: ${l.line}`,
    `agent: ${l.line}-agent`,
    `broker: { url: "mqtt://127.0.0.1:${mqttPort}", username: ${creds.username}, password: ${creds.password} }`,
    `stateDir: ${JSON.stringify(join(dataDir, 'agents', l.line))}`,
    // Defect frames (and a few good ones) go to the hub: the dashboard's Defects page shows them.
    `samples: { enabled: true }`,
    ...(l.products.length
      ? [`recipes:`, ...l.products.map((id, i) => `  - { id: ${id}, index: ${i + 1} }`)]
      : []),
    `cameras:`,
    `  - id: cam0`,
    `    source: { kind: conveyor, seed: ${l.seed}, defectRate: ${l.defectRate}, partsPerMin: ${l.partsPerMin}, fps: ${FPS}${runs ? `, recipes: [${runs}]` : ''} }`,
    `    trigger: { kind: conveyor }`,
    `    regions: [{ name: plate, x: 192, y: 0, w: 256, h: 256 }]`,
    `    identity: { from: code, code: { region: { x: 192, y: 256, w: 256, h: 64 } } }`,
    '',
  ].join('\n');
}

function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`${flag}: "${text}" is not a duration; use e.g. 20s, 2m`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

/** The preferred port if it is free, otherwise any free port. */
async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((done) => {
      const srv = createServer();
      srv.once('error', () => done(null));
      srv.listen(port, '127.0.0.1', () => {
        const address = srv.address();
        srv.close(() => done(typeof address === 'object' && address ? address.port : null));
      });
    });
  return (await tryPort(preferred)) ?? (await tryPort(0)) ?? preferred;
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function run(name: string, args: string[], onStdout?: (line: string) => void): ChildProcess {
  // Each program runs through its bin, as installed (the agent's bundles itself: no TypeScript loader in it).
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
    // Own process group: Ctrl-C reaches only the demo, which stops agents before the hub.
    detached: true,
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  // Children log JSON lines (the hub on stdout, agents on stderr): into data/demo/<name>.log as they come
  // (`tail -f` works, and a long demo holds no log in memory) rather than on screen.
  const log = createWriteStream(join(dataDir, `${name}.log`), { flags: 'a' });
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    log.write(chunk);
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) onStdout?.(line);
  });
  child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
  return child;
}

/** A path as the user would type it from the repository's root. */
const shown = (path: string) => relative(root, path) || '.';

/** Resolves with the exit code, or null when a signal ended the child (already ended counts too). */
const exited = (child: ChildProcess) =>
  new Promise<number | null>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done(child.exitCode);
    else child.once('exit', (code) => done(code));
  });

/** The hub serves dashboard/dist: build it from the sources every time, so the page is never stale. */
function buildDashboard(): void {
  process.stdout.write('Building the dashboard…\n');
  const build = spawnSync('pnpm', ['--filter', '@sightline/dashboard', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (build.status !== 0) {
    throw new Error(`demo: the dashboard build failed:\n${build.stderr?.toString() ?? build.error?.message}`);
  }
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`demo: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface LineFigures {
  line: string;
  inspected: number;
  parts_per_min: number;
  defect_rate: number;
  defect_rate_ci: [number, number];
  true_defect_rate: number | null;
}

async function main() {
  const { values } = parseArgs({
    // `pnpm demo -- --for 60s` passes the `--` through.
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      for: { type: 'string' },
      pilot: { type: 'string', default: '3m' },
      data: { type: 'string' },
      prebuilt: { type: 'boolean', default: false },
      'http-port': { type: 'string', default: '8080' },
      'mqtt-port': { type: 'string', default: '1883' },
    },
  });
  const durationMs = values.for === undefined ? undefined : parseDuration(values.for, '--for');
  const pilotMs = parseDuration(values.pilot, '--pilot');
  if (values.data) dataDir = resolve(values.data);
  if (!values.prebuilt) buildDashboard();
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const httpPort = await freePort(Number(values['http-port']));
  const mqttPort = await freePort(Number(values['mqtt-port']));
  const http = `http://127.0.0.1:${httpPort}`;

  // Credentials, as `sightline-hub agents add` and `tokens link` make them, in the hub's credentials file: one
  // broker identity per agent, a token for this script's own reads, a one-time sign-in link for the browser.
  const credentials = await openCredentialStore({ storage: createFileStorage(join(dataDir, 'auth.json')) });
  const agentCreds = new Map<string, AgentCredentials>();
  for (const { line } of LINES) {
    agentCreds.set(line, await credentials.addAgent({ site: 'demo', line, agent: `${line}-agent` }));
  }
  // This script's own token: it reads figures, enters the example ROI inputs and switches line-1's mode.
  const token = (await credentials.addToken({ role: 'admin', name: 'pnpm demo', days: 1 })).secret;
  const link = await credentials.addLink({ role: 'admin', name: 'demo user', minutes: 60, tokenDays: 7 });
  credentials.close();
  const api = async <T>(path: string, method = 'GET', body?: unknown): Promise<T> => {
    const response = await fetch(`${http}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as T & { error?: { message: string } };
    if (!response.ok) throw new Error(`demo: ${method} ${path}: ${json.error?.message ?? response.status}`);
    return json;
  };

  const hub = run('hub', [
    'hub/bin/sightline-hub.js',
    'run',
    '--http-port',
    String(httpPort),
    '--mqtt-port',
    String(mqttPort),
    '--db',
    join(dataDir, 'sightline.duckdb'),
  ]);
  const hubExit = exited(hub).then((code) => {
    throw new Error(`demo: the hub exited early (code ${code}); see ${shown(join(dataDir, 'hub.log'))}`);
  });
  await Promise.race([
    hubExit,
    waitFor('the hub', 30_000, async () => ((await fetch(`${http}/api/health`)).ok ? true : undefined)),
  ]);

  // The plant's side of ROI, as a QC lead would enter it on the ROI page; line-1 starts in pilot (set ahead of its
  // agent, which takes the mode when it connects).
  for (const { line } of LINES) {
    await api(`/api/lines/demo/${line}/roi/inputs`, 'PUT', {
      ...EXAMPLE_ROI,
      note: 'pnpm demo: example figures',
    });
  }
  await api(`/api/lines/demo/${PILOT_LINE}/mode`, 'PUT', {
    mode: 'pilot',
    note: 'pnpm demo: measure a baseline',
  });
  const pilotFrom = Date.now();

  const summaries = new Map<
    string,
    { published: number; truth_defects: number; results: number; parts: { missed: number } }
  >();
  const agents = await Promise.all(
    LINES.map(async (spec) => {
      const { line } = spec;
      const config = join(dataDir, `${line}.yaml`);
      await writeFile(config, agentConfig(spec, mqttPort, agentCreds.get(line) as AgentCredentials), {
        mode: 0o600,
      });
      const child = run(
        `agent-${line}`,
        ['agent/bin/sightline-agent.js', 'run', '--config', config],
        (out) => {
          if (out.startsWith('{')) summaries.set(line, JSON.parse(out));
        },
      );
      return { line, child };
    }),
  );

  process.stdout.write(
    `Sightline demo: hub, embedded MQTT broker on mqtt://127.0.0.1:${mqttPort}, 3 conveyors at ${LINES.map((l) => l.partsPerMin).join(', ')} parts/min, cameras at ${FPS} fps.\n` +
      `Dashboard: ${http}/#signin=${link.code}\n` +
      `  (a one-time sign-in link, valid 1 h; another: node hub/bin/sightline-hub.js tokens link --db ${shown(join(dataDir, 'sightline.duckdb'))} --role admin --name you)\n` +
      `${PILOT_LINE} runs in pilot (observe-only) for ${values.pilot}, then its baseline is frozen and it goes live; example ROI inputs are entered on every line.\n` +
      `${durationMs === undefined ? 'Ctrl-C stops everything.' : `Stopping in ${durationMs / 1000} s.`} Logs: ${shown(dataDir)}/*.log\n`,
  );

  // After the pilot: the baseline is frozen over it and the line goes live, as the ROI page's steps 2 and 3 do.
  const goLive = setTimeout(() => {
    void (async () => {
      await api(`/api/lines/demo/${PILOT_LINE}/baseline`, 'POST', {
        from: pilotFrom,
        to: Date.now(),
        note: 'pnpm demo: the pilot',
      });
      await api(`/api/lines/demo/${PILOT_LINE}/go-live`, 'POST', { note: 'pnpm demo' });
      process.stdout.write(`${PILOT_LINE}: baseline frozen over its ${values.pilot} pilot; now live.\n`);
    })().catch((err: Error) => process.stderr.write(`${err.message}\n`));
  }, pilotMs);

  const stop = new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
    if (durationMs !== undefined) setTimeout(done, durationMs);
  });
  await Promise.race([stop, hubExit]);
  clearTimeout(goLive);

  for (const a of agents) a.child.kill('SIGTERM');
  await Promise.all(agents.map((a) => exited(a.child)));
  const published = (line: string) => summaries.get(line)?.published ?? 0;
  // Wait until the hub has stored everything the agents say the broker acknowledged.
  const figures = await waitFor('the hub to store every published result', 15_000, async () => {
    const body = await api<{ lines: LineFigures[] }>('/api/lines?window=24h');
    const all = LINES.every(
      ({ line }) => (body.lines.find((l) => l.line === line)?.inspected ?? 0) >= published(line),
    );
    return all ? body.lines : undefined;
  }).catch(async (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    return (await api<{ lines: LineFigures[] }>('/api/lines?window=24h')).lines;
  });

  // What the agents' sample uploads left on the hub (the Defects page's images).
  const sampleCount = async (line: string) =>
    (await api<{ samples: unknown[] }>(`/api/samples?site=demo&line=${line}&limit=500`)).samples.length;
  const samples = new Map<string, number>();
  for (const { line } of LINES) samples.set(line, await sampleCount(line));
  const modes = (
    await api<{ lines: Array<{ line: string; mode: string; go_live_ts: number | null }> }>('/api/modes')
  ).lines;

  hub.kill('SIGTERM');
  await exited(hub);
  const lines = LINES.map(({ line, defectRate, partsPerMin }) => {
    const f = figures.find((l) => l.line === line);
    const mode = modes.find((m) => m.line === line);
    return {
      line,
      mode: mode?.mode ?? 'live',
      went_live: mode?.go_live_ts != null,
      defects: Math.round((f?.defect_rate ?? 0) * (f?.inspected ?? 0)),
      samples: samples.get(line) ?? 0,
      published: published(line),
      stored: f?.inspected ?? 0,
      missed: summaries.get(line)?.parts.missed ?? null,
      parts_per_min: f?.parts_per_min ?? 0,
      configured_parts_per_min: partsPerMin,
      defect_rate: f?.defect_rate ?? 0,
      defect_rate_ci95: f?.defect_rate_ci ?? null,
      true_defect_rate: f?.true_defect_rate ?? null,
      configured_defect_rate: defectRate,
    };
  });
  process.stdout.write(`${JSON.stringify({ lines })}\n`);
  process.exit(0);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
