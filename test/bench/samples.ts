/**
 * pnpm bench:samples — sample images from separate publisher processes through the hub's embedded broker
 * into its sample store (every part fsync'd before its PUBACK, images content-addressed, rows in DuckDB),
 * then the same number handed to the sample ingest directly, one part at a time (the store's own speed,
 * without MQTT). The bytes are random behind a JPEG marker: the hub checks magic bytes and sha256, not
 * pixels, so only the size matters. Each publisher signs in as an agent of its own (credentials made as
 * `sightline-hub agents add` makes them), so the embedded broker's per-connection limits apply as to any agent.
 * Prints one JSON line at the end.
 *   SL_BENCH_SAMPLES (default 300), SL_BENCH_SAMPLE_BYTES (default 120000: two chunks), SL_BENCH_PUBLISHERS (2)
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { agentClientId, type Hub } from '@sightline/hub';
import { SAMPLE_CHUNK_BYTES, type SampleMeta, topics } from '@sightline/protocol';
import mqtt from 'mqtt';
import { startTestHub, tempDir } from '../support/hub.ts';
import { waitFor } from '../support/wait.ts';

const SAMPLES = Number(process.env.SL_BENCH_SAMPLES ?? 300);
const BYTES = Number(process.env.SL_BENCH_SAMPLE_BYTES ?? 120_000);
const PUBLISHERS = Number(process.env.SL_BENCH_PUBLISHERS ?? 2);

/** A random sample's parts, meta first: [chunk, payload]. */
function sampleParts(seq: number): { sha256: string; parts: Array<['meta' | number, Buffer]> } {
  const bytes = randomBytes(BYTES);
  bytes.set([0xff, 0xd8, 0xff], 0);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const chunks = Math.ceil(BYTES / SAMPLE_CHUNK_BYTES);
  const meta: SampleMeta = { sha256, bytes: BYTES, chunks, content_type: 'image/jpeg', ts: Date.now(), seq };
  const parts: Array<['meta' | number, Buffer]> = [['meta', Buffer.from(JSON.stringify(meta))]];
  for (let n = 0; n < chunks; n++) {
    parts.push([n, bytes.subarray(n * SAMPLE_CHUNK_BYTES, (n + 1) * SAMPLE_CHUNK_BYTES)]);
  }
  return { sha256, parts };
}

const publisherRef = (id: number) => ({ site: 'bench', line: 'line-1', agent: `cam-${id}` });

/** One publisher process: `count` samples as agent `cam-{id}` (its password in SL_BENCH_MQTT_PASSWORD), each sample's parts in flight together. */
async function publish(url: string, id: number, count: number): Promise<void> {
  const ref = publisherRef(id);
  const client = await mqtt.connectAsync(url, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    clientId: agentClientId(ref),
    username: `${ref.site}/${ref.line}/${ref.agent}`,
    password: process.env.SL_BENCH_MQTT_PASSWORD,
  });
  for (let i = 0; i < count; i++) {
    const { sha256, parts } = sampleParts(i);
    await Promise.all(
      parts.map(([chunk, payload]) =>
        client.publishAsync(topics.sample(ref, sha256, chunk), payload, { qos: 1 }),
      ),
    );
  }
  await client.endAsync();
}

/** The same work handed to the hub's sample ingest in-process, one part after another. */
async function direct(hub: Hub, count: number): Promise<number> {
  const ingest = hub.samples?.ingest;
  if (!ingest) throw new Error('samples are disabled');
  const ref = { site: 'bench', line: 'line-1', agent: 'direct' };
  const samples = Array.from({ length: count }, (_, i) => sampleParts(i));
  const started = performance.now();
  for (const { sha256, parts } of samples) {
    for (const [chunk, payload] of parts) await ingest.handle(ref, sha256, chunk, payload, Date.now());
  }
  return (performance.now() - started) / 1000;
}

function spawnPublisher(url: string, password: string, id: number, count: number): Promise<void> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, process.argv[1] as string, 'publish', url, `${id}`, `${count}`],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, SL_BENCH_MQTT_PASSWORD: password },
    },
  );
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`publisher ${id} exited ${code}`)),
    ),
  );
}

async function main(): Promise<void> {
  const tmp = await tempDir('sl-bench-samples-');
  const hub = await startTestHub(tmp.dir);
  try {
    const per = Math.ceil(SAMPLES / PUBLISHERS);
    const total = per * PUBLISHERS;
    const passwords: string[] = [];
    for (let id = 0; id < PUBLISHERS; id++) {
      passwords.push((await hub.credentials.addAgent(publisherRef(id))).password);
    }
    const started = performance.now();
    const publishers = passwords.map((password, id) => spawnPublisher(hub.mqttUrl, password, id, per));
    let shown = 0;
    await waitFor('every sample stored', 600_000, () => {
      const stored = hub.samples?.ingest.counts().stored ?? 0;
      if (stored - shown >= total / 10) {
        shown = stored;
        process.stderr.write(`stored ${stored}/${total}\n`);
      }
      return stored >= total;
    });
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(publishers);
    const directSeconds = await direct(hub, total);
    const counts = hub.samples?.ingest.counts();
    console.log(
      JSON.stringify({
        samples: total,
        bytes_per_sample: BYTES,
        publishers: PUBLISHERS,
        seconds: Number(seconds.toFixed(2)),
        samples_per_s: Number((total / seconds).toFixed(1)),
        mb_per_s: Number(((total * BYTES) / seconds / 1e6).toFixed(2)),
        direct_samples_per_s: Number((total / directSeconds).toFixed(1)),
        mqtt_vs_direct: Number((directSeconds / seconds).toFixed(2)),
        failed: counts?.failed,
        partials_left: counts?.partials,
      }),
    );
  } finally {
    await hub.close();
    await tmp.remove();
  }
}

if (process.argv[2] === 'publish') {
  await publish(process.argv[3] as string, Number(process.argv[4]), Number(process.argv[5]));
} else {
  await main();
}
