import { buildDefaultCommand } from './build-default.ts';
import type { CliCommand } from './command.ts';

/** Every `sightline-models` command; add one line per command. */
export const commands: readonly CliCommand[] = [buildDefaultCommand];
