import { buildDefaultCommand } from './build-default.ts';
import { bundleCommand } from './bundle.ts';
import type { CliCommand } from './command.ts';
import { evalCommand } from './eval.ts';
import { importCommand } from './import.ts';
import { keygenCommand } from './keygen.ts';
import { quantizeCommand } from './quantize.ts';
import { signCommand, verifyCommand } from './sign.ts';
import { trainCommand } from './train.ts';

/** Every `sightline-models` command; add one line per command. */
export const commands: readonly CliCommand[] = [
  buildDefaultCommand,
  trainCommand,
  quantizeCommand,
  evalCommand,
  keygenCommand,
  signCommand,
  verifyCommand,
  bundleCommand,
  importCommand,
];
