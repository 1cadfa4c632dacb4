import type { CommandName, Commands, Mode } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { AgentMode } from '../act/mode.ts';

type Handler = (name: CommandName, payload: unknown) => void;

/**
 * cmd/set-mode and cmd/rebirth in front of the other command handlers: the mode is kept on disk, then the birth
 * is published again so the hub sees the agent converge; everything else goes to `next`.
 */
export function withModeCommands(deps: {
  mode: AgentMode;
  rebirth: () => void;
  /** Announces a change for the hub's event log (a config_changed event). */
  announce: (from: Mode, to: Mode) => void;
  log: Logger;
  next: Handler;
}): Handler {
  return (name, payload) => {
    if (name === 'rebirth') {
      deps.rebirth();
    } else if (name === 'set-mode') {
      const { mode } = payload as z.infer<(typeof Commands)['set-mode']>;
      const from = deps.mode.current();
      deps.mode.set(mode).then(
        () => {
          deps.log.info({ event: 'mode_set', from, mode }, `mode ${from} -> ${mode} (set by the hub)`);
          if (from !== mode) deps.announce(from, mode);
          deps.rebirth();
        },
        (err: Error) =>
          deps.log.error(
            { event: 'mode_not_kept', mode, err: err.message },
            'could not keep the mode on disk; not changed',
          ),
      );
    } else {
      deps.next(name, payload);
    }
  };
}
