import type { CommandName } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { DecisionPolicy } from '../decide/index.ts';

/** What the agent does with each (already validated) command from the hub. */
export function commandHandler(deps: { policy: DecisionPolicy; log: Logger }) {
  return (name: CommandName, payload: unknown): void => {
    if (name === 'set-threshold') {
      const { threshold } = payload as { threshold: number };
      deps.policy.setDefectThreshold(threshold);
      deps.log.info({ event: 'threshold_set', threshold }, 'threshold changed by command');
    } else {
      deps.log.info({ event: 'command_ignored', name }, `command ${name} is not supported yet`);
    }
  };
}
