/**
 * The agent's MQTT session:
 *
 *   connecting ──connected──▶ waiting-for-hub ──hub-online──▶ ready
 *        ▲                        ▲      │                      │
 *        │                        │  lost│         hub-offline  │ lost
 *        │                     connected ▼                      ▼
 *        └──────────────────── disconnected ◀───────────────────┘
 *   any state ──close──▶ closing ──ended──▶ closed
 *
 * Results flow only in `ready`: connected to the broker, and the hub's retained state says online.
 */
export type SessionState = 'connecting' | 'waiting-for-hub' | 'ready' | 'disconnected' | 'closing' | 'closed';
export type SessionEvent = 'connected' | 'hub-online' | 'hub-offline' | 'lost' | 'close' | 'ended';

const transitions: Record<SessionState, Partial<Record<SessionEvent, SessionState>>> = {
  connecting: { connected: 'waiting-for-hub', lost: 'disconnected', close: 'closing' },
  'waiting-for-hub': { 'hub-online': 'ready', lost: 'disconnected', close: 'closing' },
  ready: { 'hub-offline': 'waiting-for-hub', lost: 'disconnected', close: 'closing' },
  disconnected: { connected: 'waiting-for-hub', close: 'closing' },
  closing: { ended: 'closed' },
  closed: {},
};

/** The state after `event`, or the same state when the event means nothing there. */
export function nextState(state: SessionState, event: SessionEvent): SessionState {
  return transitions[state][event] ?? state;
}
