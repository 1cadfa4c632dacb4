import { randomBytes } from 'node:crypto';
import { decode, HubState, topics } from '@sightline/protocol';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { AgentConfig } from '../config/index.ts';
import { brokerTlsOptions } from '../session/tls.ts';
import { type Check, errorMessage, fail, pass, TimeoutError } from './check.ts';

type BrokerConfig = AgentConfig['broker'];

export interface BrokerProbe {
  checks: Check[];
  /** The hub's retained state, when the broker holds one (used to check the clock). */
  hubState?: HubState;
}

const PROTOCOL_NAME = { 4: 'MQTT 3.1.1', 5: 'MQTT 5' } as const;

/** Connects once (no retries) and resolves on CONNACK, or rejects with the reason. */
function connectOnce(url: string, options: IClientOptions, timeoutMs: number): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { ...options, reconnectPeriod: 0, connectTimeout: timeoutMs });
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!err) return resolve(client);
      client.end(true);
      reject(err);
    };
    const timer = setTimeout(() => settle(new TimeoutError('no CONNACK')), timeoutMs);
    client.on('error', (err) => settle(err)); // stays attached: later errors must not crash the doctor
    client.once('connect', () => settle());
    client.once('close', () => settle(new Error('the broker closed the connection before accepting it')));
  });
}

/** A person's account of a failed connection, and what to do. */
export function explainConnectError(
  err: unknown,
  url: string,
  username: string | undefined,
  timeoutMs: number,
): { detail: string; fix: string } {
  const code = (err as { code?: string | number }).code;
  const { hostname, port } = new URL(url);
  const where = `${hostname}:${port || '1883'}`;
  if (err instanceof TimeoutError || code === 'ETIMEDOUT') {
    return {
      detail: `no answer from ${where} within ${timeoutMs} ms`,
      fix: `a firewall may drop the traffic, or the address is wrong; check broker.url and \`nc -vz ${hostname} ${port || 1883}\``,
    };
  }
  if (code === 'ECONNREFUSED') {
    return {
      detail: `connection refused by ${where}: nothing listens on that port`,
      fix: `start the hub (or its MQTT broker) on ${hostname}, or correct the port in broker.url`,
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      detail: `host ${hostname} not found (DNS)`,
      fix: "use the hub's IP address in broker.url, or add the name to /etc/hosts",
    };
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return {
      detail: `${where} is unreachable (${code})`,
      fix: 'check the network cable, the IP address and the route to the hub (`ip route`, `ping`)',
    };
  }
  // [MQTT-3.2.2.3] CONNACK return codes 4/5; MQTT 5 reason codes 0x86/0x87.
  if (code === 4 || code === 0x86) {
    return {
      detail: `the broker rejected the user name or password${username ? ` (user "${username}")` : ' (none configured)'}`,
      fix: 'set broker.username and broker.password to the credentials the hub issued for this agent',
    };
  }
  if (code === 5 || code === 0x87) {
    return {
      detail: `the broker says this client is not authorised${username ? ` (user "${username}")` : ''}`,
      fix: "grant this agent's user access on the broker, or check the credentials",
    };
  }
  if (code === 2 || code === 0x85) {
    return {
      detail: `the broker refuses this client id${username ? ` for user "${username}"` : ''}`,
      fix: 'site, line and agent in this file must be the ones the credentials were made for (`sightline-hub agents list` on the hub)',
    };
  }
  if (code === 1 || code === 0x84) {
    return {
      detail: 'the broker does not speak the configured MQTT protocol version',
      fix: 'set broker.protocolVersion: auto (or 4 for MQTT 3.1.1 brokers)',
    };
  }
  if (typeof code === 'string' && /CERT|TLS|SSL|SIGNATURE|ISSUER/.test(code)) {
    return {
      detail: `TLS: ${code}: ${errorMessage(err)}`,
      fix: "set broker.ca to the CA certificate that signed the broker's certificate, use the name the certificate was made for in broker.url, and check the device's clock",
    };
  }
  return { detail: errorMessage(err), fix: 'check broker.url and that the hub is running' };
}

/** Waits briefly for the hub's retained state on the broker. */
async function readHubState(client: MqttClient, waitMs: number): Promise<HubState | 'invalid' | undefined> {
  const topic = topics.hubState();
  const got = new Promise<HubState | 'invalid'>((resolve) => {
    client.on('message', (t, payload) => {
      if (t !== topic) return;
      const decoded = decode(HubState, payload);
      resolve(decoded.ok ? decoded.value : 'invalid');
    });
  });
  await client.subscribeAsync(topic, { qos: 1 });
  let timer: NodeJS.Timeout | undefined;
  const none = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMs);
  });
  try {
    return await Promise.race([got, none]);
  } finally {
    clearTimeout(timer);
  }
}

/** Connects with the agent's URL and credentials, then looks for the hub's retained state. */
export async function probeBroker(
  broker: BrokerConfig,
  opts: { agent: { site: string; line: string; agent: string }; timeoutMs: number; hubWaitMs: number },
): Promise<BrokerProbe> {
  const { site, line, agent } = opts.agent;
  let tls: IClientOptions;
  try {
    tls = brokerTlsOptions(broker);
  } catch (err) {
    return { checks: [fail('broker', errorMessage(err), 'set broker.ca to a readable PEM file')] };
  }
  const options: IClientOptions = {
    // Never the agent's own client id: that would disconnect a running agent. The hub's broker accepts this one
    // beside it for the same credentials (sl-doctor-{site}-{line}-{agent}-{6 hex}).
    clientId: `sl-doctor-${site}-${line}-${agent}-${randomBytes(3).toString('hex')}`,
    clean: true,
    ...(broker.username === undefined ? {} : { username: broker.username }),
    ...(broker.password === undefined ? {} : { password: broker.password }),
    ...tls,
  };
  const versions: (4 | 5)[] = broker.protocolVersion === 'auto' ? [5, 4] : [broker.protocolVersion];
  const start = performance.now();
  let client: MqttClient | undefined;
  let version: 4 | 5 = 5;
  let lastError: unknown;
  for (const v of versions) {
    try {
      client = await connectOnce(broker.url, { ...options, protocolVersion: v }, opts.timeoutMs);
      version = v;
      break;
    } catch (err) {
      lastError = err;
      const code = (err as { code?: unknown }).code;
      // 'auto': a 3.1.1-only broker refuses level 5 [MQTT-3.1.2-2]; try again with 4.
      if (!(code === 1 || code === 0x84 || (err as Error).message?.includes('closed the connection'))) break;
    }
  }
  if (!client) {
    const { detail, fix } = explainConnectError(lastError, broker.url, broker.username, opts.timeoutMs);
    return { checks: [fail('broker', detail, fix)] };
  }
  const ms = Math.round(performance.now() - start);
  const who = broker.username ? `as "${broker.username}"` : 'without credentials';
  const checks: Check[] = [
    pass('broker', `connected to ${broker.url} (${PROTOCOL_NAME[version]}) ${who} in ${ms} ms`),
  ];
  try {
    const state = await readHubState(client, opts.hubWaitMs);
    if (state === undefined) {
      checks.push(
        fail(
          'hub',
          'no hub has announced itself on this broker',
          'start the hub, and check that the hub and this agent use the same broker; results wait in the outbox until then',
        ),
      );
      return { checks };
    }
    if (state === 'invalid') {
      checks.push(
        fail(
          'hub',
          `${topics.hubState()} holds an invalid message`,
          "update the hub to this agent's version",
        ),
      );
      return { checks };
    }
    const since = new Date(state.ts).toISOString();
    checks.push(
      state.online
        ? pass('hub', `online (since ${since})`)
        : fail('hub', `offline since ${since}`, 'start the hub; results wait in the outbox until it is back'),
    );
    return { checks, hubState: state };
  } finally {
    await client.endAsync().catch(() => undefined);
  }
}
