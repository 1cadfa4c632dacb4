import type { AgentSnapshot } from '../api/types.ts';

/**
 * What a line is doing, for the tile's badge: `running` (agents online, results arriving), `stale` (agents
 * say online but nothing arrived lately, or the dashboard itself is not live), `offline` (every agent
 * offline), `unknown` (no agent has reported a state).
 */
export type LineStateName = 'running' | 'stale' | 'offline' | 'unknown';

export interface LineState {
  state: LineStateName;
  /** One short sentence: why, e.g. "no results for 2 min", "2 of 3 agents offline". */
  reason: string;
  /** Hub time the state began, where known (offline since, last result). */
  since: number | null;
  online: number;
  agents: number;
  /** Agents that have reported a state (online or not); 0 for results-only publishers. */
  reporting: number;
}

/** No result for this long while agents say they run: the line is stale (parts stopped or an agent hung). */
export const STALE_AFTER_MS = 30_000;
/** An agent sends stats every few seconds; silence this long means it is not really online. */
export const AGENT_SILENT_MS = 30_000;

export interface LineStateInput {
  agents: readonly AgentSnapshot[];
  /** Newest result's capture time (hub clock), null when none in the window. */
  lastTs: number | null;
  /** The hub's time now (estimated on the browser's clock). */
  hubNow: number;
  /** False when the dashboard cannot vouch for its figures (hub not answering, stream down). */
  live: boolean;
  /** Sentence saying why the dashboard is not live. */
  notLiveReason?: string;
}

const ago = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
};

/** An agent counts as online when its retained state says so and it was heard from lately. */
export function agentOnline(a: AgentSnapshot, hubNow: number): boolean {
  if (a.state?.online !== true) return false;
  return hubNow - a.last_seen_ts <= AGENT_SILENT_MS;
}

export function deriveLineState({ agents, lastTs, hubNow, live, notLiveReason }: LineStateInput): LineState {
  const online = agents.filter((a) => agentOnline(a, hubNow)).length;
  const base = { online, agents: agents.length, reporting: agents.filter((a) => a.state !== null).length };
  if (!live) {
    return { ...base, state: 'stale', reason: notLiveReason ?? 'not live', since: lastTs };
  }
  const stated = agents.filter((a) => a.state !== null);
  if (agents.length > 0 && online === 0 && stated.length > 0) {
    const lastWord = Math.max(...agents.map((a) => a.last_seen_ts));
    const saidOffline = stated.every((a) => a.state?.online === false);
    return {
      ...base,
      state: 'offline',
      reason: saidOffline
        ? agents.length === 1
          ? 'agent offline'
          : `all ${agents.length} agents offline`
        : `no word from the agents for ${ago(hubNow - lastWord)}`,
      since: lastWord,
    };
  }
  if (lastTs === null || hubNow - lastTs > STALE_AFTER_MS) {
    return {
      ...base,
      state: agents.length === 0 && lastTs === null ? 'unknown' : 'stale',
      reason: lastTs === null ? 'no results in this window' : `no results for ${ago(hubNow - lastTs)}`,
      since: lastTs,
    };
  }
  if (stated.length === 0) return { ...base, state: 'running', reason: 'results arriving', since: lastTs };
  const down = agents.length - online;
  return {
    ...base,
    state: 'running',
    reason: down === 0 ? 'results arriving' : `${down} of ${agents.length} agents offline`,
    since: lastTs,
  };
}
