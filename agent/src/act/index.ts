import type { Logger } from 'pino';
import { type Action, type ActionContext, type ActionOutcome, wrapRunner } from './action.ts';
import { commandRunner } from './command-action.ts';
import type { ActionConfig } from './config.ts';
import { gpioRunner } from './gpio-action.ts';
import { httpRunner } from './http-action.ts';

export type { Action, ActionContext, ActionCounts, ActionOutcome } from './action.ts';
export { actionEnv } from './command-action.ts';
export {
  ActionConfig,
  type ActionConfigInput,
  CommandActionConfig,
  GpioActionConfig,
  HttpActionConfig,
  NoneActionConfig,
} from './config.ts';

export interface ActionOptions {
  /** Environment a command inherits (SL_* variables are added); default: the agent's own. */
  env?: NodeJS.ProcessEnv;
  /** Clock for the `ts` an HTTP action sends. */
  now?: () => number;
  /** Called after every trigger that ran (not for verdicts it ignores or busy skips): feed stats. */
  onOutcome?: (outcome: ActionOutcome, ctx: ActionContext) => void;
}

/** Builds the local action for a defect: a command, an HTTP call, a GPIO pulse, or nothing. */
export function createAction(config: ActionConfig, log: Logger, opts: ActionOptions = {}): Action {
  switch (config.kind) {
    case 'command':
      return wrapRunner(config, commandRunner(config, opts.env ?? process.env), log, opts.onOutcome);
    case 'http':
      return wrapRunner(config, httpRunner(config, opts.now), log, opts.onOutcome);
    case 'gpio':
      return wrapRunner(config, gpioRunner(config), log, opts.onOutcome);
    case 'none':
      return wrapRunner(config, async () => ({ latencyMs: 0 }), log, opts.onOutcome);
  }
}

/** One action per config entry (the `actions:` list); fire each on every part. */
export function createActions(
  configs: readonly ActionConfig[],
  log: Logger,
  opts: ActionOptions = {},
): Action[] {
  return configs.map((c) => createAction(c, log, opts));
}
