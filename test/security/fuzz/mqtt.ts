import { topics } from '@sightline/protocol';
import type { MqttClient } from 'mqtt';
import { connectWhenKnown } from '../attacks/mqtt.ts';
import type { Stack } from '../support/stack.ts';
import { payload, pickKind, type Template } from './payloads.ts';
import { seeded } from './random.ts';

export interface MqttFuzzReport {
  /** Payloads published and acknowledged. */
  sent: number;
  /** Connections that closed under the fuzzer (each is reopened). */
  dropped: number;
  byKind: Record<string, number>;
}

const SHA = 'b'.repeat(64);

/**
 * `count` generated payloads over MQTT: most from fuzzing agents on their own uplink channels into the hub (results,
 * birth, state, stats, events, model status, sample chunks), a tenth from the hub's login into a running agent
 * (commands, desired model). Each is published at QoS 1 and counted once acknowledged: the hub dead-letters what
 * is bad and acknowledges it; an agent ignores a bad command.
 */
export async function fuzzMqtt(
  stack: Stack,
  opts: { count: number; seed: number; connections?: number; oversizedBytes: number },
): Promise<MqttFuzzReport> {
  const r = seeded(opts.seed);
  const report: MqttFuzzReport = { sent: 0, dropped: 0, byKind: {} };
  const victim = stack.agents[0]?.ref;
  if (!victim) throw new Error('the fuzzer needs a running agent');
  const n = opts.connections ?? 8;
  const lanes = await Promise.all(
    Array.from({ length: n + 1 }, async (_, i) => {
      if (i === n) {
        return {
          ref: undefined,
          client: await connectWhenKnown(stack.mqttUrl, {
            ...stack.hubLogin,
            clientId: 'sightline-hub-fuzz',
            reconnectPeriod: 500,
          }),
          done: () => undefined,
        };
      }
      const ref = { site: 'plant', line: 'line-z', agent: `fuzz-${i}` };
      const creds = await stack.credentials.addAgent(ref, { rotate: true });
      const client = await connectWhenKnown(stack.mqttUrl, {
        username: creds.username,
        password: creds.password,
        clientId: creds.clientId,
        reconnectPeriod: 500,
      });
      const onClose = () => report.dropped++;
      client.on('close', onClose);
      return { ref, client, done: () => client.off('close', onClose) };
    }),
  );

  const uplink: ReadonlyArray<[string, Template]> = [
    ['results', 'results'],
    ['birth', 'birth'],
    ['state', 'state'],
    ['stats', 'stats'],
    ['events', 'events'],
    ['model/status', 'events'],
    [`samples/${SHA}/meta`, 'events'],
    [`samples/${SHA}/0`, 'events'],
  ];
  const downlink: ReadonlyArray<[string, Template]> = [
    ...['set-threshold', 'trigger', 'recipe', 'rebirth', 'capture', 'set-mode', 'no-such-command'].map(
      (c) => [topics.command(victim, c), 'command'] as [string, Template],
    ),
    [topics.modelDesired(victim), 'command'],
  ];

  const inputs = Array.from({ length: opts.count }, () => {
    const kind = pickKind(r);
    const toAgent = r.next() < 0.1;
    const lane = toAgent ? n : r.int(0, n - 1);
    const ref = lanes[lane]?.ref;
    const [topic, template] = toAgent
      ? r.pick(downlink)
      : (([channel, t]) =>
          [`sl/v1/${ref?.site}/${ref?.line}/${ref?.agent}/${channel}`, t] as [string, Template])(
          r.pick(uplink),
        );
    return {
      lane,
      kind,
      topic,
      body: payload(kind, template, r, opts.oversizedBytes),
      retain: !toAgent && r.next() < 0.05,
    };
  });

  const send = (client: MqttClient, i: (typeof inputs)[number]) =>
    client.publishAsync(i.topic, i.body, { qos: 1, retain: i.retain }).then(() => {
      report.sent++;
      report.byKind[i.kind] = (report.byKind[i.kind] ?? 0) + 1;
    });
  await Promise.all(
    lanes.map(async (lane, index) => {
      const mine = inputs.filter((i) => i.lane === index);
      for (let at = 0; at < mine.length; at += 20)
        await Promise.all(mine.slice(at, at + 20).map((i) => send(lane.client, i)));
    }),
  );
  for (const l of lanes) l.done();
  await Promise.all(lanes.map((l) => l.client.endAsync()));
  return report;
}
