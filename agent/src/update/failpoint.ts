import { writeSync } from 'node:fs';
import type { Failpoint } from './config.ts';

/**
 * Fault injection for the power-loss tests: at a named stage the process kills itself with SIGKILL (no
 * cleanup, no flush, exactly like `kill -9` or a power cut after the last fsync). Off unless configured. The
 * one log line is written synchronously, since nothing after the kill runs.
 */
export function createFailpoints(enabled: readonly Failpoint[]) {
  const armed = new Set(enabled);
  return (stage: Failpoint): void => {
    if (!armed.has(stage)) return;
    writeSync(
      2,
      `${JSON.stringify({ level: 40, time: Date.now(), event: 'failpoint', stage, msg: `failpoint ${stage}: killing the process` })}\n`,
    );
    process.kill(process.pid, 'SIGKILL');
  };
}

export type Failpoints = ReturnType<typeof createFailpoints>;
