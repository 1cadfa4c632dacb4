/**
 * pnpm bench:rollout — rolls a signed bundle out to simulated agents through a real broker and prints one JSON
 * line: seconds_to_fleet (rollout start → every agent live on the new model, as the hub sees it) and
 * bytes_on_wire_ratio (bytes the broker delivered to the agents during the rollout / (bundle size × agents)).
 * The agents (test/bench/rollout-agents.ts) take the update exactly as real ones do, without cameras or
 * inference, in a few processes. `--late N` more agents are known but offline during the rollout and come
 * back after it: they fetch the retained bundle from the broker with no help from the hub (late_seconds,
 * late_bytes_on_wire_ratio).
 * Then one real agent process shows what shadow comparison costs its live path: live latency p50/p95
 * without a shadow and with `--shadow-share` of the frames compared (live_p95_ratio; --shadow-frames 0 skips).
 *   pnpm bench:rollout [-- --agents 100 --processes 4 --late 10 --broker embedded|mosquitto --shadow-share 0.25]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type Hub, startHub } from '@sightline/hub';
import type { Rollout } from '@sightline/protocol';
import { getRollout, makeBundle, startRollout, upload, writeKeyPair } from '../support/bundles.ts';
import { apiFetch } from '../support/credentials.ts';
import { tempDir } from '../support/hub.ts';
import { type Mosquitto, startMosquitto } from '../support/mosquitto.ts';
import { waitFor } from '../support/wait.ts';
import { measureShadowLatency } from './shadow-latency.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    agents: { type: 'string', default: '100' },
    processes: { type: 'string', default: '4' },
    broker: { type: 'string', default: 'embedded' },
    late: { type: 'string', default: '10' },
    'shadow-share': { type: 'string', default: '0.25' },
    'shadow-frames': { type: 'string', default: '600' },
  },
});
const AGENTS = Number(values.agents);
const PROCESSES = Math.min(AGENTS, Number(values.processes));
const LATE = Number(values.late);
const log = (msg: string) => process.stderr.write(`[bench:rollout] ${msg}\n`);

interface Worker {
  child: ChildProcess;
  next(): Promise<Record<string, number>>;
}

const simRef = (n: number) => ({
  site: 'bench',
  line: `line-${n % 10}`,
  agent: `sim-${String(n).padStart(3, '0')}`,
});

/** Broker passwords for simulated agents first … first+count-1, as `sightline-hub agents add` makes them. */
async function provision(h: Hub, first: number, count: number): Promise<Record<string, string>> {
  const logins: Record<string, string> = {};
  for (let n = first; n < first + count; n++) {
    const ref = simRef(n);
    logins[ref.agent] = (await h.credentials.addAgent(ref, { rotate: true })).password;
  }
  return logins;
}

function worker(
  url: string,
  first: number,
  count: number,
  stateDir: string,
  keyFile: string,
  logins: Record<string, string>,
  fromStart = false,
): Worker {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'rollout-agents.ts'),
      url,
      String(first),
      String(count),
      stateDir,
      keyFile,
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: {
        ...process.env,
        SL_BENCH_COUNT_FROM_START: fromStart ? '1' : '0',
        SL_BENCH_LOGINS: JSON.stringify(logins),
      },
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  return {
    child,
    async next() {
      const { value, done } = await lines.next();
      if (done) throw new Error('a simulated-agent process ended early');
      return JSON.parse(value as string) as Record<string, number>;
    },
  };
}

const { dir, remove } = await tempDir('sl-bench-rollout-');
let hub: Hub | undefined;
let mosquitto: Mosquitto | undefined;
const workers: Worker[] = [];
try {
  const key = await writeKeyPair(join(dir, 'keys'), 'models');
  if (values.broker === 'mosquitto') mosquitto = await startMosquitto();
  hub = await startHub({
    broker: mosquitto ? { mode: 'external', url: mosquitto.url } : { mode: 'embedded', port: 0 },
    http: { port: 0 },
    store: { path: join(dir, 'hub.duckdb') },
    registry: { trustedKeys: [key.publicPath] },
    rollout: { tickMs: 250 },
    log: { level: 'warn' },
  });
  const bundle = await makeBundle(dir, key, { version: '2.1.0' });
  const entry = await upload(hub, bundle.bytes);
  if (entry.status !== 'ready') throw new Error(`registry rejected the bundle: ${entry.reason}`);
  log(
    `bundle ${bundle.bytes.byteLength} bytes; starting ${AGENTS} simulated agents in ${PROCESSES} processes`,
  );
  const h = hub;
  type FleetBody = { agents: Array<{ agent: string; online: boolean; active: { version: string } | null }> };
  const fleet = async () => ((await (await apiFetch(h, '/api/fleet/models')).json()) as FleetBody).agents;
  // The late agents are born (the hub knows them), then go away before the rollout.
  const isLate = (a: { agent: string }) => Number(a.agent.slice(4)) >= AGENTS;
  if (LATE > 0) {
    const logins = await provision(hub, AGENTS, LATE);
    const late = worker(hub.mqttUrl, AGENTS, LATE, join(dir, 'agents'), key.publicPath, logins);
    await late.next();
    const known = async () => (await fleet()).filter((a) => isLate(a) && a.online).length === LATE;
    await waitFor('late agents known', 60_000, known);
    late.child.kill('SIGKILL');
    const away = async () => (await fleet()).filter(isLate).every((a) => !a.online);
    await waitFor('late agents offline', 60_000, away);
  }
  const per = Math.ceil(AGENTS / PROCESSES);
  for (let p = 0; p < PROCESSES; p++) {
    const count = Math.min(per, AGENTS - p * per);
    const logins = await provision(hub, p * per, count);
    workers.push(worker(hub.mqttUrl, p * per, count, join(dir, 'agents'), key.publicPath, logins));
  }
  await Promise.all(workers.map((w) => w.next()));
  const online = async () => (await fleet()).filter((a) => a.online).length === AGENTS;
  await waitFor(`${AGENTS} agents online`, 60_000, online);
  for (const w of workers) w.child.stdin?.write('measure\n');
  const t0 = performance.now();
  const started = await startRollout(hub, {
    model: { id: 'default', version: '2.1.0' },
    stages: [{ kind: 'wave', share: 1 }],
    agentTimeoutS: 120,
  });
  let last = '';
  const done: Rollout = await waitFor('the rollout to finish', 180_000, async () => {
    const r = await getRollout(h, started.id);
    const live = r.agents.filter((a) => a.progress === 'active' || a.progress === 'probation').length;
    const line = `${r.state}: ${live}/${AGENTS} agents live`;
    if (line !== last) log(line);
    last = line;
    return r.state === 'completed' || r.state === 'rolled-back' || r.state === 'failed' ? r : undefined;
  });
  const seconds = (performance.now() - t0) / 1000;
  if (done.state !== 'completed') throw new Error(`rollout ${done.state}: ${done.reason}`);
  const onTime = [...workers];
  for (const w of onTime) w.child.stdin?.write('report\n');
  const bytes = (await Promise.all(onTime.map((w) => w.next()))).reduce((n, r) => n + (r.bytes ?? 0), 0);
  let lateFigures = {};
  if (LATE > 0) {
    const t1 = performance.now();
    const logins = await provision(hub, AGENTS, LATE);
    const late = worker(hub.mqttUrl, AGENTS, LATE, join(dir, 'agents'), key.publicPath, logins, true);
    workers.push(late);
    await late.next();
    await waitFor(
      'late agents on 2.1.0',
      120_000,
      async () => (await fleet()).filter((a) => a.active?.version === '2.1.0').length === AGENTS + LATE,
    );
    const lateSeconds = (performance.now() - t1) / 1000;
    late.child.stdin?.write('report\n');
    const lateBytes = (await late.next()).bytes ?? 0;
    lateFigures = {
      late_agents: LATE,
      late_seconds: Number(lateSeconds.toFixed(2)),
      late_bytes_on_wire_ratio: Number((lateBytes / (bundle.bytes.byteLength * LATE)).toFixed(4)),
    };
  }
  for (const w of workers) w.child.kill('SIGKILL');
  const shadow =
    Number(values['shadow-frames']) > 0
      ? await measureShadowLatency({
          hub,
          dir,
          publicKey: key.publicPath,
          share: Number(values['shadow-share']),
          frames: Number(values['shadow-frames']),
          log,
        })
      : {};
  const result = {
    agents: AGENTS,
    processes: PROCESSES,
    broker: mosquitto ? 'mosquitto' : 'embedded-aedes',
    bundle_bytes: bundle.bytes.byteLength,
    chunk_bytes: 256 * 1024,
    bytes_delivered: bytes,
    seconds_to_fleet: Number(seconds.toFixed(2)),
    ...lateFigures,
    ...shadow,
    bytes_on_wire_ratio: Number((bytes / (bundle.bytes.byteLength * AGENTS)).toFixed(4)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  for (const w of workers) w.child.kill('SIGKILL');
  await hub?.close();
  await mosquitto?.stop();
  await remove();
}
