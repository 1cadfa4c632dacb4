import {
  type AgentRef,
  type Birth,
  Commands,
  encode,
  type LineModeState,
  type Mode,
  topics,
} from '@sightline/protocol';
import type { Logger } from 'pino';
import type { Downlink } from '../broker/downlink.ts';
import { ConflictError } from '../errors.ts';
import { type Ledger, type LineRef, lineKey } from '../ledger/index.ts';
import type { AgentSnapshot, ResultStore } from '../store/index.ts';

export interface ModeController {
  state(line: LineRef): Promise<LineModeState>;
  /** Every line known from agents or from a mode set ahead of them. */
  list(): Promise<LineModeState[]>;
  /** Sets the line's mode and commands each of its agents; pilot → live is the go-live. */
  set(line: LineRef, change: { mode: Mode; who: string; note: string | null }): Promise<LineModeState>;
  /** pilot → live; a ConflictError when the line is not in pilot. */
  goLive(line: LineRef, by: { who: string; note: string | null }): Promise<LineModeState>;
  /** Stops reconciling births. */
  close(): void;
}

const agentKey = (a: AgentRef) => `${a.site}/${a.line}/${a.agent}`;

/**
 * A line's mode is the hub's desired state (kept in the ledger); agents converge on it through cmd/set-mode,
 * sent when the mode changes and again whenever an agent is born in another mode (a reconnect, a new agent on the
 * line, an agent that missed the command while offline). The agent keeps the last mode it was sent across
 * restarts, so it holds its mode while the hub or the broker is away. No retained command: a retained message
 * reaches only agents the hub knew when it was sent, and would replay on every reconnect.
 */
export function createModeController(deps: {
  ledger: Ledger;
  store: ResultStore;
  downlink: Downlink;
  log: Logger;
  now?: () => number;
}): ModeController {
  const { ledger, store, downlink, log, now = Date.now } = deps;
  const commanded = new Map<string, number>();

  const command = async (ref: AgentRef, mode: Mode) => {
    commanded.set(agentKey(ref), now());
    try {
      await downlink.publish(topics.command(ref, 'set-mode'), encode(Commands['set-mode'], { mode }), {
        qos: 1,
        retain: false,
      });
      log.info({ event: 'mode_commanded', ...ref, mode }, `told ${agentKey(ref)} to run in ${mode} mode`);
    } catch (err) {
      log.warn(
        { event: 'mode_command_failed', ...ref, mode, err: (err as Error).message },
        'set-mode not sent; resent at its next birth',
      );
    }
  };

  const unsubscribe = store.onCommit((notice) => {
    for (const a of notice.agents) {
      if (a.column !== 'birth') continue;
      const reported = (a.value as Birth | null)?.mode ?? 'live';
      void ledger.modes.get(a).then(
        (desired) => {
          // A line never set is live, which agents without a mode already are.
          if (desired.since !== null && desired.mode !== reported) void command(a, desired.mode);
        },
        (err: Error) =>
          log.warn({ event: 'mode_check_failed', err: err.message }, 'could not read the line mode'),
      );
    }
  });

  const agentsOf = (all: AgentSnapshot[], l: LineRef) =>
    all.filter((a) => a.site === l.site && a.line === l.line);

  const stateOf = async (l: LineRef, agents: AgentSnapshot[]): Promise<LineModeState> => {
    const desired = await ledger.modes.get(l);
    return {
      site: l.site,
      line: l.line,
      mode: desired.mode,
      since: desired.since,
      set_by: desired.set_by,
      go_live_ts: desired.go_live_ts,
      agents: agents.map((a) => {
        const reported = a.birth ? (a.birth.mode ?? 'live') : null;
        return {
          agent: a.agent,
          reported,
          online: a.state?.online ?? null,
          converged: reported === desired.mode,
          commanded_ts: commanded.get(agentKey(a)) ?? null,
        };
      }),
      history: await ledger.modes.history(l, 50),
    };
  };

  const set: ModeController['set'] = async (l, { mode, who, note }) => {
    await ledger.modes.set(l, { mode, who, note, ts: now() });
    const agents = agentsOf(await store.agents(), l);
    await Promise.all(agents.map((a) => command(a, mode)));
    return stateOf(l, agents);
  };

  return {
    async state(l) {
      return stateOf(l, agentsOf(await store.agents(), l));
    },
    async list() {
      const agents = await store.agents();
      const lines = new Map<string, LineRef>();
      for (const l of [...agents, ...(await ledger.modes.list())])
        lines.set(lineKey(l), { site: l.site, line: l.line });
      const sorted = [...lines.values()].sort((a, b) => lineKey(a).localeCompare(lineKey(b)));
      return Promise.all(sorted.map((l) => stateOf(l, agentsOf(agents, l))));
    },
    set,
    async goLive(l, by) {
      const current = await ledger.modes.get(l);
      if (current.mode !== 'pilot') {
        throw new ConflictError(
          `${lineKey(l)} is ${current.mode}, not in pilot: go-live switches a pilot line to live; set it to pilot first (PUT .../mode)`,
        );
      }
      return set(l, { mode: 'live', ...by });
    },
    close: unsubscribe,
  };
}
