import { encode, HUB_CAPABILITIES, HubState } from '@sightline/protocol';

/** What this hub does beyond the base contract, listed in its retained state for agents to adapt to. */
export const HUB_STATE_CAPABILITIES = [HUB_CAPABILITIES.resultsAck];

/**
 * The retained `sl/v1/hub/state` payload. Online, it lists the hub's capabilities: an agent keeps results until
 * the hub's `ack` only when the hub says it sends one (an older hub does not, and the agent trims on PUBACK).
 */
export function hubStatePayload(online: boolean, ts: number): string {
  return encode(HubState, online ? { online, ts, capabilities: HUB_STATE_CAPABILITIES } : { online, ts });
}
