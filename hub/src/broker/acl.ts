import { type AgentRef, parseTopic, TOPIC_PREFIX } from '@sightline/protocol';

/**
 * Who a broker connection is: a provisioned agent; the hub's own login (tools and tests beside an embedded hub,
 * with the hub's broker password); or an anonymous client where the lab setting allows it.
 */
export type Principal =
  | { kind: 'agent'; ref: AgentRef; id: string }
  | { kind: 'hub' }
  | { kind: 'anonymous' };

const underPrefix = (topic: string) => topic.startsWith(`${TOPIC_PREFIX}/`);

const sameRef = (a: AgentRef, b: AgentRef) => a.site === b.site && a.line === b.line && a.agent === b.agent;
const hasWildcard = (level: string) => level.includes('+') || level.includes('#');

/**
 * Publishing: an agent only under its own `sl/v1/{site}/{line}/{agent}/` and only on uplink channels (birth,
 * state, results, stats, events, model/status, samples). Downlink (commands, model/desired, acks, hub state,
 * model bundles) is published by the hub from inside the broker, never by a client. An anonymous lab client may
 * publish uplink for any agent, still no downlink.
 */
export function mayPublish(who: Principal, topic: string): boolean {
  if (who.kind === 'hub') return underPrefix(topic);
  const parsed = parseTopic(topic);
  if (parsed?.kind !== 'uplink' && parsed?.kind !== 'sample') return false;
  return who.kind === 'anonymous' || (who.kind === 'agent' && sameRef(who.ref, parsed.ref));
}

/**
 * Subscribing: an agent only to its own commands (`cmd/+` or one command), its own `model/desired` and `ack`,
 * the hub's state, and model bundles (`sl/v1/models/{id}/{version}/…`, signed and public to every agent). No
 * `#`, no `$SYS`, no other agent's topics, no uplink. An anonymous lab client the same for any one agent.
 */
export function maySubscribe(who: Principal, filter: string): boolean {
  if (who.kind === 'hub') return underPrefix(filter);
  if (filter === `${TOPIC_PREFIX}/hub/state` || isOwnAck(who, filter)) return true;
  const parsed = parseTopic(filter);
  if (!parsed) return false;
  if (parsed.kind === 'model-bundle') return !hasWildcard(parsed.id) && !hasWildcard(parsed.version);
  // parseTopic accepts site, line and agent only as literal identifiers, so a wildcard never names an agent.
  const own = (ref: AgentRef) => who.kind === 'anonymous' || (who.kind === 'agent' && sameRef(who.ref, ref));
  switch (parsed.kind) {
    case 'command':
      return own(parsed.ref) && (parsed.name === '+' || !hasWildcard(parsed.name));
    case 'model-desired':
      return own(parsed.ref);
    default:
      return false;
  }
}

/** The downlink acknowledgement topic an agent may read (`sl/v1/{site}/{line}/{agent}/ack`). */
export function isOwnAck(who: Principal, filter: string): boolean {
  const parts = filter.split('/');
  if (parts.length !== 6 || parts[5] !== 'ack') return false;
  const parsed = parseTopic(`${parts.slice(0, 5).join('/')}/birth`);
  if (parsed?.kind !== 'uplink') return false;
  return who.kind === 'anonymous' || (who.kind === 'agent' && sameRef(who.ref, parsed.ref));
}
