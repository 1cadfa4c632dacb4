/** One `sightline-models` command. Progress goes to stderr; the result is one JSON line on stdout. */
export interface CliCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

export interface CliIo {
  cwd: string;
  /** A progress line on stderr, prefixed with the command and elapsed time. */
  progress(line: string): void;
  /** The command's result: one JSON line on stdout. */
  result(value: unknown): void;
  /** Progress bars on stderr for long work (default on; tests turn them off). */
  bars?: boolean;
}
