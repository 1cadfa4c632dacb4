import { encode, HubState, topics } from '@sightline/protocol';
import type { MqttClient } from 'mqtt';
import { waitFor } from '../../support/wait.ts';
import { agentsOf, health, resultsOf, storedOf } from '../support/api.ts';
import type { Stack } from '../support/stack.ts';
import { type Attack, closesWithin, collect, grants, tryConnect } from './attack.ts';

/**
 * Connects with credentials just added to the hub's credentials file: the hub process picks the file change up
 * within moments (inotify), so the first attempts may come too early.
 */
export async function connectWhenKnown(
  url: string,
  opts: Parameters<typeof tryConnect>[1],
): Promise<MqttClient> {
  return waitFor('the hub to know the new credentials', 20_000, async () => {
    const got = await tryConnect(url, opts);
    if ('client' in got) return got.client;
    if (got.refused !== 4) throw new Error(got.message);
    await new Promise((r) => setTimeout(r, 200));
    return undefined;
  });
}

/** [MQTT-3.2.2-3] CONNACK codes of MQTT 3.1.1. */
const IDENTIFIER_REJECTED = 2;
const BAD_CREDENTIALS = 4;
const NOT_AUTHORIZED = 5;

const batchFor = (seqs: number[], frame: string) =>
  JSON.stringify({
    session: 'forged',
    results: seqs.map((seq) => ({
      seq,
      ts: Date.now(),
      frame,
      model: { id: 'default', version: '1.0.0' },
      verdict: 'ok',
      score: 0.01,
      threshold: 0.5,
      latency: { capture: 1, preprocess: 1, infer: 1, total: 3 },
    })),
  });

/**
 * The attacks of issue 11 on the embedded broker, by a client on the same network: each resolves whether the
 * system refused it, judged by what it did (CONNACK codes, SUBACK 0x80, closed connections) and by what the victims
 * did next (threshold in force, results stored, state online).
 */
export function mqttAttacks(stack: Stack): { attacks: Attack[]; close(): void } {
  const [victim, other] = stack.agents as [Stack['agents'][number], Stack['agents'][number]];
  const url = stack.mqttUrl;
  const clients: MqttClient[] = [];
  /** A provisioned identity of the attacker's own (a compromised line PC). */
  const attacker = async (name: string, extra: Parameters<typeof tryConnect>[1] = {}) => {
    const ref = { site: 'plant', line: 'line-x', agent: name };
    const creds = await stack.credentials.addAgent(ref, { rotate: true });
    const client = await connectWhenKnown(url, {
      username: creds.username,
      password: creds.password,
      clientId: creds.clientId,
      ...extra,
    });
    clients.push(client);
    return { client, ref, creds };
  };
  const refusedWith = (code: number) => async (opts: Parameters<typeof tryConnect>[1]) => {
    const got = await tryConnect(url, opts);
    if ('client' in got) {
      got.client.end(true);
      return { refused: false, detail: 'connected' };
    }
    return { refused: got.refused === code, detail: `CONNACK ${got.refused}: ${got.message}` };
  };
  const thresholdOf = async () =>
    (await agentsOf(stack)).find((a) => a.agent === victim.ref.agent)?.birth?.thresholds.defect;
  const storesAgain = async (agent: string, more: number) => {
    const before = await storedOf(stack, agent);
    await waitFor(
      `${agent} storing ${more} more results`,
      60_000,
      async () => (await storedOf(stack, agent)) >= before + more,
    );
    return true;
  };

  const attacks: Attack[] = [
    { name: 'mqtt: anonymous connect', run: () => refusedWith(NOT_AUTHORIZED)({ clientId: 'intruder' }) },
    {
      name: 'mqtt: wrong password for a real agent',
      run: () =>
        refusedWith(BAD_CREDENTIALS)({
          username: 'plant/line-1/agent-1',
          password: 'guess',
          clientId: 'sl-plant-line-1-agent-1',
        }),
    },
    {
      name: 'mqtt: unknown agent',
      run: () =>
        refusedWith(BAD_CREDENTIALS)({
          username: 'plant/line-9/agent-9',
          password: 'x',
          clientId: 'sl-plant-line-9-agent-9',
        }),
    },
    {
      name: 'mqtt: revoked agent (connected, then revoked, then reconnecting)',
      run: async () => {
        const { client, ref, creds } = await attacker('revoked');
        const gone = closesWithin(client, 15_000);
        await stack.credentials.revokeAgent(ref);
        const disconnected = await gone;
        const again = await refusedWith(BAD_CREDENTIALS)({
          username: creds.username,
          password: creds.password,
          clientId: creds.clientId,
        });
        return {
          refused: disconnected && again.refused,
          detail: `disconnected at revocation: ${disconnected}; reconnect: ${again.detail}`,
        };
      },
    },
    {
      name: 'mqtt: subscribe to #',
      run: async () => {
        const { client } = await attacker('sub-all');
        const granted = await grants(client, ['#']);
        const seen = await collect(client, 1500);
        return {
          refused: granted[0] === 128 && seen.length === 0,
          detail: `SUBACK ${granted[0]}, ${seen.length} messages seen`,
        };
      },
    },
    {
      name: 'mqtt: subscribe to $SYS/#',
      run: async () => {
        const { client } = await attacker('sub-sys');
        const granted = await grants(client, ['$SYS/#']);
        return { refused: granted[0] === 128, detail: `SUBACK ${granted[0]}` };
      },
    },
    {
      name: "mqtt: subscribe to every agent's results",
      run: async () => {
        const { client } = await attacker('sub-results');
        const granted = await grants(client, ['sl/v1/+/+/+/results', topics.results(victim.ref)]);
        return { refused: granted.every((g) => g === 128), detail: `SUBACK ${granted.join(', ')}` };
      },
    },
    {
      name: "mqtt: subscribe to another agent's commands",
      run: async () => {
        const { client } = await attacker('sub-cmd');
        const granted = await grants(client, [topics.commands(victim.ref)]);
        return { refused: granted[0] === 128, detail: `SUBACK ${granted[0]}` };
      },
    },
    {
      name: 'mqtt: forged set-threshold 1e300 to another agent',
      run: async () => {
        const before = await thresholdOf();
        const { client } = await attacker('forge-cmd');
        const gone = closesWithin(client, 10_000);
        client.publish(topics.command(victim.ref, 'set-threshold'), '{"threshold":1e300}', { qos: 1 });
        const closed = await gone;
        await storesAgain(victim.ref.agent, 5);
        const after = await thresholdOf();
        const recent = await resultsOf(stack, victim.ref.agent, 5);
        const unchanged = after === before && recent.every((r) => r.threshold === before);
        return {
          refused: closed && unchanged,
          detail: `connection closed: ${closed}; threshold ${before} -> ${after}, newest results at ${recent.map((r) => r.threshold).join(',')}`,
        };
      },
    },
    {
      name: "mqtt: set-threshold 1e300 through the hub's own login (out of bounds)",
      run: async () => {
        const before = await thresholdOf();
        const got = await tryConnect(url, { ...stack.hubLogin, clientId: 'sightline-hub-suite' });
        if (!('client' in got)) throw new Error(`hub login refused: ${got.message}`);
        await got.client.publishAsync(topics.command(victim.ref, 'set-threshold'), '{"threshold":1e300}', {
          qos: 1,
        });
        await got.client.endAsync();
        await storesAgain(victim.ref.agent, 5);
        const recent = await resultsOf(stack, victim.ref.agent, 5);
        const after = await thresholdOf();
        return {
          refused: after === before && recent.every((r) => r.threshold === before),
          detail: `the agent kept ${after}; newest results at ${recent.map((r) => r.threshold).join(',')}`,
        };
      },
    },
    {
      name: 'mqtt: forged retained hub/state {online:false}',
      run: async () => {
        const { client } = await attacker('forge-state');
        const gone = closesWithin(client, 10_000);
        client.publish(topics.hubState(), encode(HubState, { online: false, ts: Date.now() }), {
          qos: 1,
          retain: true,
        });
        const closed = await gone;
        const reader = await attacker('read-state');
        const retained = new Promise<string>((resolve) =>
          reader.client.once('message', (_t, p) => resolve(p.toString())),
        );
        await grants(reader.client, [topics.hubState()]);
        const state = JSON.parse(await retained) as { online: boolean };
        await Promise.all([storesAgain(victim.ref.agent, 5), storesAgain(other.ref.agent, 5)]);
        return {
          refused: closed && state.online,
          detail: `connection closed: ${closed}; retained hub state online: ${state.online}; both agents kept storing`,
        };
      },
    },
    {
      name: 'mqtt: forged batch as another agent with its next seqs',
      run: async () => {
        const newest = Math.max(...(await resultsOf(stack, victim.ref.agent, 1)).map((r) => r.seq));
        const seqs = Array.from({ length: 5 }, (_, i) => newest + 3 + i);
        const { client } = await attacker('forge-batch');
        const gone = closesWithin(client, 10_000);
        const dupsBefore = (await health(stack)).store.duplicates;
        client.publish(topics.results(victim.ref), batchFor(seqs, 'forged'), { qos: 1 });
        const closed = await gone;
        // The victim's own results with those seqs arrive later and are stored, not taken for duplicates.
        const mine = await waitFor('the real results with those seqs', 60_000, async () => {
          const rows = (await resultsOf(stack, victim.ref.agent, 50)).filter((r) => seqs.includes(r.seq));
          return rows.length === seqs.length ? rows : undefined;
        });
        const dupsAfter = (await health(stack)).store.duplicates;
        const genuine = mine.every((r) => r.frame !== 'forged');
        return {
          refused: closed && genuine && dupsAfter === dupsBefore,
          detail: `connection closed: ${closed}; seqs ${seqs[0]}-${seqs.at(-1)} stored from the real agent: ${genuine}; duplicates ${dupsBefore} -> ${dupsAfter}`,
        };
      },
    },
    {
      name: "mqtt: client-id takeover of the hub's id",
      run: async () => {
        const { creds } = await attacker('takeover-hub');
        return refusedWith(IDENTIFIER_REJECTED)({
          username: creds.username,
          password: creds.password,
          clientId: 'sightline-hub',
        });
      },
    },
    {
      name: "mqtt: client-id takeover of a running agent's session",
      run: async () => {
        const { creds } = await attacker('takeover-agent');
        const outcome = await refusedWith(IDENTIFIER_REJECTED)({
          username: creds.username,
          password: creds.password,
          clientId: `sl-${victim.ref.site}-${victim.ref.line}-${victim.ref.agent}`,
        });
        await storesAgain(victim.ref.agent, 3);
        const online = (await agentsOf(stack)).find((a) => a.agent === victim.ref.agent)?.state?.online;
        return {
          refused: outcome.refused && online === true,
          detail: `${outcome.detail}; victim online: ${online}`,
        };
      },
    },
    {
      name: "mqtt: an agent's credentials reused under another client id",
      run: async () => {
        const { creds } = await attacker('reuse');
        return refusedWith(IDENTIFIER_REJECTED)({
          username: creds.username,
          password: creds.password,
          clientId: 'second-session',
        });
      },
    },
    {
      name: "mqtt: a will that claims another agent's state",
      run: async () => {
        const { client } = await attacker('will', {
          will: {
            topic: topics.state(victim.ref),
            payload: Buffer.from('{"online":false,"session":"x","ts":1}'),
            qos: 1,
            retain: true,
          },
        });
        (client as unknown as { stream: { destroy(): void } }).stream.destroy(); // vanish: the broker sends the will
        await storesAgain(victim.ref.agent, 3);
        const online = (await agentsOf(stack)).find((a) => a.agent === victim.ref.agent)?.state?.online;
        return {
          refused: online === true,
          detail: `victim's state after the attacker vanished: online ${online}`,
        };
      },
    },
    {
      name: 'mqtt: publish outside the topic contract',
      run: async () => {
        const { client } = await attacker('junk-topic');
        const gone = closesWithin(client, 10_000);
        client.publish('sl/v1/plant/line-x/junk-topic/../../hub/state', '{}', { qos: 1 });
        return { refused: await gone, detail: 'connection closed' };
      },
    },
  ];
  return {
    attacks,
    close: () => {
      for (const c of clients) c.end(true);
    },
  };
}
