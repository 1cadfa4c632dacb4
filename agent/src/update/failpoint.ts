import type { Failpoint } from './config.ts';

/**
 * Fault injection for the power-loss tests: at a named stage the process kills itself with SIGKILL (no
 * cleanup, no flush, exactly like `kill -9` or a power cut after the last fsync). Off unless configured.
 */
export function createFailpoints(enabled: readonly Failpoint[], log: (stage: Failpoint) => void) {
  const armed = new Set(enabled);
  return (stage: Failpoint): void => {
    if (!armed.has(stage)) return;
    log(stage);
    process.kill(process.pid, 'SIGKILL');
  };
}

export type Failpoints = ReturnType<typeof createFailpoints>;
