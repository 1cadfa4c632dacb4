/**
 * pnpm bench:ingest — results per second through a real broker into the hub's store, against what the same
 * broker passes to a bare subscriber. Publishers are separate processes (test/bench/ingest-publisher.ts), QoS 1.
 * For each broker (embedded aedes, Mosquitto): passthrough (50 results/message to a subscriber that only counts),
 * the hub at 50 results/message, the hub at 1 result/message. Prints one JSON line at the end.
 *   pnpm bench:ingest [-- --brokers embedded,mosquitto --publishers 4 --results 200000 --single 40000]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmbeddedBroker, type Hub, startHub } from '@sightline/hub';
import mqtt from 'mqtt';
import { tempDir } from '../support/hub.ts';
import { startMosquitto } from '../support/mosquitto.ts';
import { waitFor } from '../support/wait.ts';

const { values } = parseArgs({
  // `pnpm bench:x -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    brokers: { type: 'string', default: 'embedded,mosquitto' },
    publishers: { type: 'string', default: '4' },
    agents: { type: 'string', default: '5' },
    results: { type: 'string', default: '200000' },
    single: { type: 'string', default: '40000' },
    connections: { type: 'string', default: '8' },
  },
});
const PUBLISHERS = Number(values.publishers);
const AGENTS = Number(values.agents);
const BATCH = 50;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

function publishers(
  url: string,
  totalResults: number,
  perMessage: number,
  protocolVersion: 4 | 5,
  login: Record<string, string> = {},
) {
  const messages = Math.ceil(totalResults / perMessage / PUBLISHERS);
  const children: ChildProcess[] = [];
  const outputs: Array<{ cpuMs: number }> = [];
  const done = Array.from({ length: PUBLISHERS }, (_, i) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'ingest-publisher.ts'),
        url,
        String(i),
        String(AGENTS),
        String(messages),
        String(perMessage),
        String(protocolVersion),
        `m${perMessage}`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...login } },
    );
    children.push(child);
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    return new Promise<void>((resolve, reject) =>
      // 'close', not 'exit': the child's stdout may still hold its last line at exit.
      child.on('close', (code) => {
        if (code !== 0) return reject(new Error(`publisher ${i} exited ${code}: ${out}`));
        outputs.push(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { cpuMs: number });
        resolve();
      }),
    );
  });
  return { expected: messages * perMessage * PUBLISHERS, done: Promise.all(done), children, outputs };
}

/** Publishers start after a child process start-up; time runs from the first result the receiver sees. */
async function timed(expected: number, received: () => number | Promise<number>): Promise<number> {
  await waitFor('the first result', 120_000, async () => (await received()) > 0);
  const start = performance.now();
  const startCount = await received();
  await waitFor(`${expected} results`, 600_000, async () => (await received()) >= expected);
  return ((expected - startCount) / (performance.now() - start)) * 1000;
}

async function passthrough(url: string, protocolVersion: 4 | 5): Promise<number> {
  const sub = await mqtt.connectAsync(url, {
    protocolVersion,
    clientId: `bench-sub-${process.pid}`,
    clean: true,
  });
  let results = 0;
  sub.on('message', () => {
    results += BATCH;
  });
  await sub.subscribeAsync('sl/v1/+/+/+/results', { qos: 1 });
  const run = publishers(url, Number(values.results), BATCH, protocolVersion);
  const rate = await timed(run.expected, () => results);
  await run.done;
  await sub.endAsync();
  return rate;
}

async function throughHub(hub: Hub, url: string, total: number, perMessage: number, protocolVersion: 4 | 5) {
  const before = (await hub.store.counters()).results;
  const login: Record<string, string> =
    hub.config.broker.mode === 'embedded'
      ? {
          SL_BENCH_MQTT_USERNAME: hub.config.broker.clientId,
          SL_BENCH_MQTT_PASSWORD: await hub.credentials.hubBrokerPassword(),
        }
      : {};
  const cpuBefore = process.cpuUsage();
  const run = publishers(url, total, perMessage, protocolVersion, login);
  const rate = await timed(
    run.expected,
    async () => hub.store.status().commits && (await hub.store.counters()).results - before,
  );
  const cpu = process.cpuUsage(cpuBefore);
  await run.done;
  const status = hub.store.status();
  // CPU per result says where the cores went, whatever else ran on the machine: the hub's process (with the
  // embedded broker and DuckDB's threads in it) and the publishers' (start-up and building payloads included).
  const publisherCpuMs = run.outputs.reduce((s, o) => s + o.cpuMs, 0);
  return {
    rate,
    commits: status.commits,
    lastCommitMs: status.lastCommitMs,
    hubCpuUsPerResult: (cpu.user + cpu.system) / run.expected,
    publisherCpuUsPerResult: (publisherCpuMs * 1000) / run.expected,
  };
}

async function benchBroker(kind: string) {
  const tmp = await tempDir('sl-bench-ingest-');
  try {
    let pass: number;
    let hub: Hub;
    let url: string;
    let proto: 4 | 5;
    if (kind === 'embedded') {
      const plain = await createEmbeddedBroker({ port: 0 });
      log(`[${kind}] passthrough…`);
      pass = await passthrough(plain.url, 4);
      await plain.close();
      hub = await startHub({
        broker: { port: 0 },
        http: { port: 0 },
        store: { path: join(tmp.dir, 'hub.duckdb') },
        log: { level: 'warn' },
      });
      url = hub.mqttUrl;
      proto = 4;
    } else {
      const mosquitto = await startMosquitto();
      log(`[${kind}] passthrough…`);
      pass = await passthrough(mosquitto.url, 5);
      hub = await startHub({
        broker: { url: mosquitto.url, connections: Number(values.connections) },
        http: { port: 0 },
        store: { path: join(tmp.dir, 'hub.duckdb') },
        log: { level: 'warn' },
      });
      await waitFor('the hub to connect', 10_000, () => hub.connected);
      url = mosquitto.url;
      proto = 5;
      const stop = hub.close.bind(hub);
      hub.close = async () => {
        await stop();
        await mosquitto.stop();
      };
    }
    log(`[${kind}] hub, ${BATCH} results/message…`);
    const batched = await throughHub(hub, url, Number(values.results), BATCH, proto);
    log(`[${kind}] hub, 1 result/message…`);
    const single = await throughHub(hub, url, Number(values.single), 1, proto);
    const rss = process.memoryUsage().rss / 2 ** 20;
    await hub.close();
    const out = {
      results_per_s: Math.round(batched.rate),
      single_results_per_s: Math.round(single.rate),
      broker_passthrough_per_s: Math.round(pass),
      ratio: Number((batched.rate / pass).toFixed(3)),
      hub_cpu_us_per_result: Number(batched.hubCpuUsPerResult.toFixed(2)),
      hub_cpu_us_per_single_result: Number(single.hubCpuUsPerResult.toFixed(2)),
      publisher_cpu_us_per_result: Number(batched.publisherCpuUsPerResult.toFixed(2)),
      commits: single.commits,
      rss_mb: Math.round(rss),
    };
    log(`[${kind}] ${JSON.stringify(out)}`);
    return out;
  } finally {
    await tmp.remove();
  }
}

const result: Record<string, unknown> = {
  publishers: PUBLISHERS,
  agents_per_publisher: AGENTS,
  results_per_message: BATCH,
};
for (const kind of (values.brokers ?? '').split(',')) result[kind] = await benchBroker(kind);
const embedded = result.embedded as Record<string, number> | undefined;
process.stdout.write(`${JSON.stringify({ ...(embedded ?? {}), ...result })}\n`);
process.exit(0);
