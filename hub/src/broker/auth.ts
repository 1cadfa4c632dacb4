import { timingSafeEqual } from 'node:crypto';
import type { AedesOptions, Client } from 'aedes';
import type { Logger } from 'pino';
import { agentClientId, type CredentialStore } from '../auth/credential-store.ts';
import { mayPublish, maySubscribe, type Principal } from './acl.ts';
import { createFailureLimiter } from './failure-limiter.ts';
import { createThrottle, type PublishLimits, type Throttle } from './throttle.ts';

type AuthenticateHandler = NonNullable<AedesOptions['authenticate']>;
type PreConnectHandler = NonNullable<AedesOptions['preConnect']>;
type AuthorizeSubscribe = NonNullable<AedesOptions['authorizeSubscribe']>;
type ConnectError = Parameters<Parameters<AuthenticateHandler>[3]>[0];

/** [MQTT-3.2.2-3] CONNACK return codes of MQTT 3.1.1. */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

export interface BrokerPolicyCounters {
  refused: { connect: number; publish: number; subscribe: number };
  /** Messages held back by the per-connection rate limit, and connections cut off for flooding. */
  throttled: number;
  cutOff: number;
}

/**
 * Who may connect to the embedded broker and what each connection may do: every CONNECT, PUBLISH and SUBSCRIBE
 * passes through here. Agents authenticate with the credentials `sightline-hub agents add` made, use their own
 * client id, publish only under their own prefix and subscribe only to their own downlink (acl.ts); anonymous
 * clients are refused unless the lab setting allows them; nobody may take one of the hub's client ids; each
 * connection publishes within its rate (throttle.ts).
 */
export interface BrokerPolicy {
  preConnect: PreConnectHandler;
  authenticate: AuthenticateHandler;
  authorizeSubscribe: AuthorizeSubscribe;
  /** Checks a PUBLISH (and a will) and paces it; calls `proceed` when it may go on, or with the error that closes the connection. */
  admitPublish(client: Client, topic: string, bytes: number, proceed: (error?: Error) => void): void;
  principalOf(client: Client): Principal | undefined;
  /** Closes every connection of these agents (`site/line/agent`); returns how many. */
  disconnectAgents(ids: readonly string[]): number;
  counters(): BrokerPolicyCounters;
}

export interface BrokerPolicyOptions {
  /** The hub's own client ids: nobody may use them, nor `id-N`. */
  reservedClientIds: readonly string[];
  /** Agents' credentials and the hub's own broker password; without them every client is anonymous. */
  credentials?: CredentialStore;
  /** Lets clients without credentials connect (a lab, never a plant): they publish uplink for any agent. */
  allowAnonymous: boolean;
  limits?: PublishLimits;
  log: Logger;
}

const connectError = (message: string, returnCode: number) =>
  Object.assign(new Error(message), { returnCode }) as unknown as ConnectError;

const whoIs = (p: Principal | undefined) => (p?.kind === 'agent' ? p.id : (p?.kind ?? 'anonymous'));

/** The doctor connects with the agent's credentials beside the running agent: `sl-doctor-{site}-{line}-{agent}-{6 hex}`. */
const isDoctorId = (clientId: string, agentId: string) =>
  clientId.startsWith(`sl-doctor-${agentId}-`) && /^[0-9a-f]{6}$/.test(clientId.slice(agentId.length + 11));

export function createBrokerPolicy(opts: BrokerPolicyOptions): BrokerPolicy {
  const { log, credentials } = opts;
  const reserved = new Set(opts.reservedClientIds);
  const hubUser = opts.reservedClientIds[0];
  const isReserved = (id: string) => reserved.has(id) || [...reserved].some((r) => id.startsWith(`${r}-`));
  const principals = new WeakMap<Client, Principal>();
  const throttles = new WeakMap<Client, Throttle>();
  const byAgent = new Map<string, Set<Client>>();
  const failures = createFailureLimiter();
  const counts: BrokerPolicyCounters = {
    refused: { connect: 0, publish: 0, subscribe: 0 },
    throttled: 0,
    cutOff: 0,
  };
  const warnedThrottle = new WeakSet<Client>();

  const remoteOf = (client: Client) => {
    const conn = client.conn as { remoteAddress?: string } | undefined;
    return conn?.remoteAddress ?? 'unknown';
  };
  const refuseConnect = (
    client: Client,
    reason: string,
    code: number,
    callback: Parameters<AuthenticateHandler>[3],
  ) => {
    counts.refused.connect++;
    log.warn({ event: 'mqtt_connect_refused', client: client.id, remote: remoteOf(client), code }, reason);
    callback(connectError(reason, code), false);
  };
  const activeAgentWithClientId = (clientId: string) =>
    credentials?.agents().find((a) => a.revoked === null && a.clientId === clientId);

  const admit = (client: Client, principal: Principal) => {
    principals.set(client, principal);
    // The hub's own login is the hub's tooling (benchmarks, bulk replays), not a device to protect others from.
    if (opts.limits && principal.kind !== 'hub') throttles.set(client, createThrottle(opts.limits));
    if (principal.kind !== 'agent') return;
    const set = byAgent.get(principal.id) ?? new Set();
    for (const c of set) if (c.closed) set.delete(c);
    set.add(client);
    byAgent.set(principal.id, set);
  };

  /**
   * The hub's own login (username = its client id, password from the credentials file): tools and tests beside an
   * embedded hub. It may read and write everything under sl/v1/ and must use a client id `<hub id>-…` other than
   * the hub's own ids.
   */
  const authenticateHub = (
    client: Client,
    password: Buffer | undefined,
    callback: Parameters<AuthenticateHandler>[3],
  ) => {
    const remote = remoteOf(client);
    const expected = credentials?.hubBrokerPasswordIfSet();
    const given = password === undefined ? Buffer.alloc(0) : Buffer.from(password);
    const ok =
      expected !== undefined &&
      given.length === Buffer.byteLength(expected) &&
      timingSafeEqual(given, Buffer.from(expected));
    const key = `${remote}|${hubUser}`;
    if (failures.blocked(key) || !ok) {
      if (!ok) failures.record(key);
      return refuseConnect(
        client,
        `bad password for the hub's login "${hubUser}"`,
        BAD_USERNAME_OR_PASSWORD,
        callback,
      );
    }
    if (!client.id.startsWith(`${hubUser}-`) || /^\d+$/.test(client.id.slice(`${hubUser}-`.length))) {
      return refuseConnect(
        client,
        `the hub's login must use a client id "${hubUser}-<name>" (not one of the hub's own)`,
        IDENTIFIER_REJECTED,
        callback,
      );
    }
    log.info(
      { event: 'mqtt_hub_login', client: client.id, remote },
      "a client connected with the hub's login",
    );
    admit(client, { kind: 'hub' });
    callback(null, true);
  };

  return {
    preConnect: (_client, _packet, callback) => callback(null, true),

    authenticate(client, username, password, callback) {
      const id = client.id;
      const remote = remoteOf(client);
      if (hubUser !== undefined && username === hubUser) return authenticateHub(client, password, callback);
      if (isReserved(id)) {
        return refuseConnect(
          client,
          `client id "${id}" is reserved for the hub`,
          IDENTIFIER_REJECTED,
          callback,
        );
      }
      // Per address and user: guessing one agent's secret from behind a plant's NAT locks out only that guess.
      const key = `${remote}|${username ?? ''}`;
      if (failures.blocked(key)) {
        return refuseConnect(
          client,
          `too many failed sign-ins for "${(username ?? '').slice(0, 200)}" from ${remote}; refused for a minute without checking`,
          NOT_AUTHORIZED,
          callback,
        );
      }
      if (username === undefined || username === '') {
        if (!opts.allowAnonymous) {
          return refuseConnect(
            client,
            `anonymous client "${id}" refused: agents connect with the credentials from \`sightline-hub agents add\``,
            NOT_AUTHORIZED,
            callback,
          );
        }
        const owner = activeAgentWithClientId(id);
        if (owner) {
          return refuseConnect(
            client,
            `client id "${id}" belongs to agent ${owner.id}`,
            IDENTIFIER_REJECTED,
            callback,
          );
        }
        log.warn(
          { event: 'mqtt_anonymous', client: id, remote },
          'anonymous MQTT client connected (broker.allowAnonymous is on: for a lab only)',
        );
        admit(client, { kind: 'anonymous' });
        return callback(null, true);
      }
      const secret = password === undefined ? '' : Buffer.from(password).toString('utf8');
      const verify = credentials ? credentials.verifyAgent(username, secret) : Promise.resolve(null);
      verify.then(
        (ref) => {
          if (!ref) {
            failures.record(key);
            return refuseConnect(
              client,
              `bad username or password for "${username.slice(0, 200)}" (unknown, revoked, or a wrong secret)`,
              BAD_USERNAME_OR_PASSWORD,
              callback,
            );
          }
          const expected = agentClientId(ref);
          if (id !== expected && !isDoctorId(id, `${ref.site}-${ref.line}-${ref.agent}`)) {
            return refuseConnect(
              client,
              `agent ${username} must connect with client id "${expected}", not "${id}"`,
              IDENTIFIER_REJECTED,
              callback,
            );
          }
          admit(client, { kind: 'agent', ref, id: username });
          callback(null, true);
        },
        (error: unknown) =>
          refuseConnect(client, `credential check failed: ${String(error)}`, NOT_AUTHORIZED, callback),
      );
    },

    authorizeSubscribe(client, sub, callback) {
      const who = principals.get(client);
      if (who && maySubscribe(who, sub.topic)) return callback(null, sub);
      counts.refused.subscribe++;
      log.warn(
        {
          event: 'mqtt_subscribe_refused',
          client: client.id,
          who: whoIs(who),
          topic: sub.topic.slice(0, 300),
        },
        'subscription refused (SUBACK 0x80): not one of its own downlink topics',
      );
      // [MQTT-3.9.3-2] a null subscription is answered with return code 0x80 (failure) for this topic only.
      callback(null, null);
    },

    admitPublish(client, topic, bytes, proceed) {
      const who = principals.get(client);
      if (!who || !mayPublish(who, topic)) {
        counts.refused.publish++;
        const reason = `${whoIs(who)} may not publish to "${topic.slice(0, 300)}": agents publish only under their own sl/v1/{site}/{line}/{agent}/`;
        log.warn({ event: 'mqtt_publish_refused', client: client.id, who: whoIs(who) }, reason);
        return proceed(new Error(reason));
      }
      const decision = throttles.get(client)?.admit(bytes) ?? { kind: 'now' as const };
      if (decision.kind === 'now') return proceed();
      if (decision.kind === 'cut-off') {
        counts.cutOff++;
        log.warn(
          {
            event: 'mqtt_flood_cut_off',
            client: client.id,
            who: whoIs(who),
            aheadMs: Math.round(decision.aheadMs),
          },
          'connection cut off: it keeps publishing far above broker.limits',
        );
        return proceed(new Error('publishing far above the rate limit'));
      }
      counts.throttled++;
      if (!warnedThrottle.has(client)) {
        warnedThrottle.add(client);
        log.warn(
          { event: 'mqtt_flood_throttled', client: client.id, who: whoIs(who) },
          'publishing above broker.limits: its messages are slowed down',
        );
      }
      setTimeout(() => proceed(), decision.ms);
    },

    principalOf: (client) => principals.get(client),

    disconnectAgents(ids) {
      let n = 0;
      for (const id of ids) {
        for (const client of byAgent.get(id) ?? []) {
          if (client.closed) continue;
          n++;
          log.warn(
            { event: 'mqtt_agent_disconnected', who: id, client: client.id },
            'credentials revoked: disconnected',
          );
          client.close();
        }
        byAgent.delete(id);
      }
      return n;
    },

    counters: () => structuredClone(counts),
  };
}
