/**
 * The fleet of bench:dashboard: `lines` × `agents` simulated agents, each with its own MQTT connection (its
 * own identity, retained state and will, as real agents have), publishing a birth, then one results message a
 * second and stats every 5 s. Runs as a child process (forked with IPC) so its work is apart from the hub's
 * and the browser's. On a `probe` message it pauses the line's agents for a second (so nothing newer is in
 * flight), publishes one result stamped now, and answers with its capture time and the time the broker
 * acknowledged it (= stored: the embedded broker acknowledges after the commit); `resume` lets the line go on.
 */
import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';

const [url, linesArg, agentsArg, loginsPath] = process.argv.slice(2);
/** Each simulated agent's broker login by `line/agent`, made by the bench as `sightline-hub agents add` makes them. */
const logins = JSON.parse(readFileSync(loginsPath as string, 'utf8')) as Record<
  string,
  { username: string; password: string }
>;
const LINES = Number(linesArg);
const AGENTS = Number(agentsArg);
const SITE = 'bench';
const MODEL = { id: 'default', version: '2.0.0', sha256: 'a'.repeat(64) };

interface SimAgent {
  line: string;
  agent: string;
  client: MqttClient;
  seq: number;
  session: string;
  defectRate: number;
}

const base = (a: { line: string; agent: string }) => `sl/v1/${SITE}/${a.line}/${a.agent}`;

function result(a: SimAgent, ts: number) {
  const seq = a.seq++;
  const defect = Math.random() < a.defectRate;
  return {
    seq,
    ts,
    frame: `f-${seq}`,
    camera: 'cam0',
    model: { id: MODEL.id, version: MODEL.version },
    verdict: defect ? 'defect' : 'ok',
    score: defect ? 0.9 : 0.1,
    threshold: 0.5,
    latency: { capture: 2, preprocess: 3, infer: 8, total: 13 },
  };
}

async function connect(line: string, agent: string, index: number): Promise<SimAgent> {
  const session = `bench-${process.pid}-${index}`;
  const ref = { line, agent };
  const login = logins[`${line}/${agent}`];
  if (!login) throw new Error(`no broker login for ${line}/${agent}`);
  const client = await mqtt.connectAsync(url as string, {
    clientId: `sl-${SITE}-${line}-${agent}`,
    username: login.username,
    password: login.password,
    reconnectPeriod: 1000,
    will: {
      topic: `${base(ref)}/state`,
      payload: Buffer.from(JSON.stringify({ online: false, session, ts: Date.now() })),
      qos: 1,
      retain: true,
    },
  });
  const a: SimAgent = { line, agent, client, seq: 0, session, defectRate: 0.01 + (index % 10) * 0.005 };
  await client.publishAsync(
    `${base(ref)}/birth`,
    JSON.stringify({
      session,
      ts: Date.now(),
      agentVersion: 'bench',
      model: MODEL,
      cameras: [{ id: 'cam0', source: 'synthetic', state: 'running' }],
      thresholds: { defect: 0.5 },
      capabilities: [],
    }),
    { qos: 1 },
  );
  await client.publishAsync(`${base(ref)}/state`, JSON.stringify({ online: true, session, ts: Date.now() }), {
    qos: 1,
    retain: true,
  });
  return a;
}

const specs: Array<[string, string]> = [];
for (let l = 0; l < LINES; l++) {
  for (let g = 0; g < AGENTS; g++) specs.push([`line-${String(l).padStart(3, '0')}`, `cam-${g}`]);
}
// Connect 50 at a time: one by one, 1000 connections with two acknowledged publishes each take minutes.
const agents: SimAgent[] = [];
for (let i = 0; i < specs.length; i += 50) {
  const batch = specs.slice(i, i + 50);
  agents.push(...(await Promise.all(batch.map(([line, agent], k) => connect(line, agent, i + k)))));
}
process.send?.({ type: 'ready', agents: agents.length });

/** Lines whose agents hold their results while a probe is measured. */
const paused = new Set<string>();

// Each agent sends a message with two results every second, spread evenly over the second.
let tick = 0;
const results = setInterval(() => {
  const slice = Math.ceil(agents.length / 20);
  const start = (tick++ % 20) * slice;
  for (const a of agents.slice(start, start + slice)) {
    if (paused.has(a.line)) continue;
    const now = Date.now();
    const payload = JSON.stringify({ session: a.session, results: [result(a, now - 25), result(a, now)] });
    a.client.publish(`${base(a)}/results`, payload, { qos: 1 });
  }
}, 50);

let statsTick = 0;
const stats = setInterval(() => {
  const slice = Math.ceil(agents.length / 10);
  const start = (statsTick++ % 10) * slice;
  for (const a of agents.slice(start, start + slice)) {
    a.client.publish(
      `${base(a)}/stats`,
      JSON.stringify({
        ts: Date.now(),
        session: a.session,
        uptime_s: 60,
        fps: { in: 2, processed: 2 },
        dropped: 0,
        latency: { p50: 10, p95: 14, p99: 20 },
        outbox: { depth: 0, dropped: 0 },
        cpu: 0.2,
        memory_mb: 120,
        cameras: [{ id: 'cam0', source: 'synthetic', state: 'running' }],
      }),
      { qos: 0 },
    );
  }
}, 500);

process.on('message', (m: { type: 'probe' | 'resume'; line: string } | { type: 'stop' }) => {
  if (m.type === 'stop') {
    clearInterval(results);
    clearInterval(stats);
    void Promise.all(agents.map((a) => a.client.endAsync())).then(() => process.exit(0));
    return;
  }
  if (m.type === 'resume') {
    paused.delete(m.line);
    return;
  }
  const a = agents.find((x) => x.line === m.line && x.agent === `cam-${AGENTS - 1}`);
  if (!a) return;
  paused.add(m.line);
  setTimeout(() => {
    const ts = Date.now();
    const payload = JSON.stringify({ session: a.session, results: [result(a, ts)] });
    a.client.publish(`${base(a)}/results`, payload, { qos: 1 }, () => {
      process.send?.({ type: 'stored', line: m.line, ts, at: Date.now() });
    });
  }, 1_000);
});
