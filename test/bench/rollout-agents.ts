/**
 * One process of simulated agents for bench:rollout: `count` agents that take model updates as real ones do
 * (session, desired state, chunked download, signature check, slots and pointer on disk, switch, probation;
 * no camera, no inference). Each counts the bytes its socket receives from the broker. Speaks JSON lines:
 * prints {"ready":n} once all are connected; on stdin "measure" starts counting, on "report" prints {"bytes":n}
 * and exits. Args: broker url, first index, count, state dir, trusted public key file; SL_BENCH_LOGINS holds each
 * agent's broker password ({"sim-000": "…"}), made by bench:rollout in the hub's credentials.
 */
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { startSimulatedAgent } from '@sightline/agent';
import { MqttClient } from 'mqtt';
import pino from 'pino';

const [url = '', firstArg = '0', countArg = '25', stateDir = '', keyFile = ''] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const first = Number(firstArg);
const count = Number(countArg);
const log = pino({ level: process.env.SL_BENCH_LOG ?? 'silent' });
// SL_BENCH_COUNT_FROM_START: count from the first byte (agents joining after the rollout).
let counting = process.env.SL_BENCH_COUNT_FROM_START === '1';
let bytes = 0;
const logins = JSON.parse(process.env.SL_BENCH_LOGINS ?? '{}') as Record<string, string>;

const agents = await Promise.all(
  Array.from({ length: count }, (_, i) => {
    const agent = `sim-${String(first + i).padStart(3, '0')}`;
    const ref = { site: 'bench', line: `line-${(first + i) % 10}`, agent };
    const client = new MqttClient(
      () => {
        const socket = connect(Number(port), hostname);
        socket.on('data', (chunk: Buffer) => {
          if (counting) bytes += chunk.byteLength;
        });
        return socket;
      },
      {
        // The client id and login the hub's broker binds to this agent (`sightline-hub agents add`).
        clientId: `sl-${ref.site}-${ref.line}-${agent}`,
        username: `${ref.site}/${ref.line}/${agent}`,
        ...(logins[agent] === undefined ? {} : { password: logins[agent] }),
        protocolVersion: 4,
        manualConnect: true,
        reconnectPeriod: 500,
      },
    );
    return startSimulatedAgent({
      ref,
      client,
      stateDir: `${stateDir}/${agent}`,
      trustedKeys: [keyFile],
      log,
    }).then((sim) => ({ sim, client }));
  }),
);
const connected = () => agents.filter((a) => a.client.connected).length;
while (connected() < count) await new Promise((r) => setTimeout(r, 50));
process.stdout.write(`${JSON.stringify({ ready: count })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'measure') {
    bytes = 0;
    counting = true;
  } else if (line === 'report') {
    process.stdout.write(`${JSON.stringify({ bytes })}\n`);
    await Promise.all(agents.map((a) => a.sim.close()));
    process.exit(0);
  }
}
