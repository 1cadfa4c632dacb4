import { ProtocolError } from './errors.ts';

/** Every topic starts with this prefix; the version lets v2 run beside v1. */
export const TOPIC_PREFIX = 'sl/v1';

/** Site, line and agent identifiers: `[a-z0-9-]{1,64}`. */
export const IDENTIFIER = /^[a-z0-9-]{1,64}$/;

/** Site names that would collide with the hub's own topics. */
const RESERVED_SITES = new Set(['hub', 'models']);

export interface AgentRef {
  site: string;
  line: string;
  agent: string;
}

/** Agent -> hub channels (DESIGN.md "Uplink"). */
export const UPLINK_CHANNELS = ['birth', 'state', 'results', 'stats', 'events', 'model/status'] as const;
export type UplinkChannel = (typeof UPLINK_CHANNELS)[number];

export type ParsedTopic =
  | { kind: 'uplink'; ref: AgentRef; channel: UplinkChannel }
  | { kind: 'command'; ref: AgentRef; name: string }
  | { kind: 'ack'; ref: AgentRef }
  | { kind: 'model-desired'; ref: AgentRef }
  | { kind: 'hub-state' }
  | { kind: 'model-bundle'; id: string; version: string; part: string }
  | { kind: 'sample'; ref: AgentRef; sha256: string; chunk: SampleChunk };

/** A sample's parts: its JSON metadata, then its bytes in numbered binary chunks from 0. */
export type SampleChunk = 'meta' | number;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Throws SL_TOPIC_INVALID naming the bad identifier. */
export function assertAgentRef(ref: AgentRef): void {
  for (const key of ['site', 'line', 'agent'] as const) {
    if (!IDENTIFIER.test(ref[key])) {
      throw new ProtocolError(
        'SL_TOPIC_INVALID',
        `${key} "${ref[key]}" is not a valid identifier: use 1-64 of a-z, 0-9 and "-" (e.g. "line-1")`,
      );
    }
  }
  if (RESERVED_SITES.has(ref.site)) {
    throw new ProtocolError('SL_TOPIC_INVALID', `site "${ref.site}" is reserved; choose another site name`);
  }
}

export function agentKey(ref: AgentRef): string {
  return `${ref.site}/${ref.line}/${ref.agent}`;
}

function agentBase(ref: AgentRef): string {
  assertAgentRef(ref);
  return `${TOPIC_PREFIX}/${agentKey(ref)}`;
}

export const topics = {
  uplink: (ref: AgentRef, channel: UplinkChannel) => `${agentBase(ref)}/${channel}`,
  birth: (ref: AgentRef) => `${agentBase(ref)}/birth`,
  state: (ref: AgentRef) => `${agentBase(ref)}/state`,
  results: (ref: AgentRef) => `${agentBase(ref)}/results`,
  stats: (ref: AgentRef) => `${agentBase(ref)}/stats`,
  events: (ref: AgentRef) => `${agentBase(ref)}/events`,
  modelStatus: (ref: AgentRef) => `${agentBase(ref)}/model/status`,
  command: (ref: AgentRef, name: string) => `${agentBase(ref)}/cmd/${name}`,
  /** All commands for one agent, for its subscription. */
  commands: (ref: AgentRef) => `${agentBase(ref)}/cmd/+`,
  modelDesired: (ref: AgentRef) => `${agentBase(ref)}/model/desired`,
  /** Downlink: which of this agent's seqs the hub has stored (ResultsAck), after each commit. */
  ack: (ref: AgentRef) => `${agentBase(ref)}/ack`,
  hubState: () => `${TOPIC_PREFIX}/hub/state`,
  modelBundle: (id: string, version: string, part: string) =>
    `${TOPIC_PREFIX}/models/${id}/${version}/${part}`,
  /** Retained `BundleMeta` of a bundle: size, chunk size and each chunk's SHA-256. */
  bundleMeta: (id: string, version: string) => `${TOPIC_PREFIX}/models/${id}/${version}/meta`,
  /** Retained raw bytes of chunk `n` of a bundle. */
  bundleChunk: (id: string, version: string, n: number) =>
    `${TOPIC_PREFIX}/models/${id}/${version}/chunk/${n}`,
  /** One part of a sample image: `meta` (JSON SampleMeta) or chunk n (raw bytes), content-addressed. */
  sample: (ref: AgentRef, sha256: string, chunk: SampleChunk) =>
    `${agentBase(ref)}/samples/${sha256}/${chunk}`,
  /** Subscription filter matching every sample part of every agent. */
  sampleFilter: () => `${TOPIC_PREFIX}/+/+/+/samples/#`,
  /** Subscription filter matching one uplink channel of every agent. */
  uplinkFilter: (channel: UplinkChannel) => `${TOPIC_PREFIX}/+/+/+/${channel}`,
} as const;

/** Parses any Sightline topic; returns null for topics outside the contract. */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== 'sl' || parts[1] !== 'v1') return null;
  const rest = parts.slice(2);
  if (rest.length === 2 && rest[0] === 'hub' && rest[1] === 'state') return { kind: 'hub-state' };
  if (rest[0] === 'models') {
    const [, id, version, ...part] = rest;
    if (!id || !version || part.length === 0) return null;
    return { kind: 'model-bundle', id, version, part: part.join('/') };
  }
  const [site, line, agent, ...tail] = rest;
  if (site === undefined || line === undefined || agent === undefined) return null;
  if (![site, line, agent].every((id) => IDENTIFIER.test(id)) || RESERVED_SITES.has(site)) return null;
  const ref = { site, line, agent };
  const channel = tail.join('/');
  if ((UPLINK_CHANNELS as readonly string[]).includes(channel)) {
    return { kind: 'uplink', ref, channel: channel as UplinkChannel };
  }
  if (tail.length === 2 && tail[0] === 'cmd' && tail[1]) return { kind: 'command', ref, name: tail[1] };
  if (tail.length === 3 && tail[0] === 'samples' && SHA256_HEX.test(tail[1] ?? '')) {
    const chunk =
      tail[2] === 'meta' ? 'meta' : /^(0|[1-9][0-9]{0,5})$/.test(tail[2] ?? '') ? Number(tail[2]) : null;
    if (chunk !== null) return { kind: 'sample', ref, sha256: tail[1] as string, chunk };
  }
  if (channel === 'model/desired') return { kind: 'model-desired', ref };
  if (channel === 'ack') return { kind: 'ack', ref };
  return null;
}
