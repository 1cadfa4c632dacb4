/**
 * One publisher process of bench:ingest: a few agents' worth of results, prebuilt, published at QoS 1 as fast as
 * the broker acknowledges them (a window of unacknowledged messages in flight). Prints one JSON line when every
 * message is acknowledged. Args: url, publisher index, agents, messages, results per message, protocol version,
 * phase (part of the agent ids, so each phase's results are new).
 */
import mqtt from 'mqtt';

const [url, indexArg, agentsArg, messagesArg, perArg, protoArg, phase = 'p'] = process.argv.slice(2);
const index = Number(indexArg);
const agents = Number(agentsArg);
const messages = Number(messagesArg);
const perMessage = Number(perArg);
const protocolVersion = Number(protoArg) as 4 | 5;
/** Messages in flight (sent, not yet acknowledged) per publisher. */
const WINDOW = Number(process.env.SL_BENCH_WINDOW ?? 1000);

const base = Date.now() - 3_600_000;
const payloads: Array<[string, string]> = [];
const seqs = new Array<number>(agents).fill(0);
for (let m = 0; m < messages; m++) {
  const a = m % agents;
  const results = Array.from({ length: perMessage }, () => {
    const seq = seqs[a] ?? 0;
    seqs[a] = seq + 1;
    return {
      seq,
      ts: base + seq * 50,
      frame: `f-${seq}`,
      camera: 'cam0',
      model: { id: 'default', version: '1.0.0' },
      verdict: seq % 25 === 0 ? 'defect' : 'ok',
      score: (seq % 100) / 100,
      threshold: 0.5,
      latency: { capture: 1.2, preprocess: 2.5, infer: 6.1, total: 10.4 },
    };
  });
  payloads.push([
    `sl/v1/bench/line-${index}/${phase}-${index}-${a}/results`,
    JSON.stringify({ session: `s-${index}-${a}`, results }),
  ]);
}

// Against the hub's embedded broker: its own login (SL_BENCH_MQTT_USERNAME / _PASSWORD), which may publish for
// many agents over one connection, as these publishers do.
const username = process.env.SL_BENCH_MQTT_USERNAME;
const client = await mqtt.connectAsync(url as string, {
  protocolVersion,
  clientId: username ? `${username}-bench-pub-${index}` : `bench-pub-${index}-${process.pid}`,
  reconnectPeriod: 1000,
  ...(username ? { username, password: process.env.SL_BENCH_MQTT_PASSWORD } : {}),
});
const started = performance.now();
let next = 0;
let acked = 0;
await new Promise<void>((resolve, reject) => {
  const send = () => {
    while (next < payloads.length && next - acked < WINDOW) {
      const [topic, payload] = payloads[next++] as [string, string];
      client.publish(topic, payload, { qos: 1 }, (err) => {
        if (err) return reject(err);
        acked++;
        if (acked === payloads.length) resolve();
        else send();
      });
    }
  };
  send();
});
const ms = performance.now() - started;
const cpu = process.cpuUsage();
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(`${JSON.stringify({ index, messages, results: messages * perMessage, ms, cpuMs })}\n`);
await client.endAsync();
