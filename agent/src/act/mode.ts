import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mode } from '@sightline/protocol';
import type { Logger } from 'pino';
import { writeDurably } from '../outbox/index.ts';
import type { Inspection } from '../pipeline/inspection.ts';
import type { ActStage } from './stage.ts';

export type { Mode };

/**
 * The agent's mode: `live` acts on verdicts, `pilot` decides and reports but never acts. It starts from the
 * config's `mode`; a mode the hub sets (cmd/set-mode) is kept in `<stateDir>/mode.json` and wins at the next
 * start, so a restart without the hub or the broker keeps the line's mode.
 */
export interface AgentMode {
  current(): Mode;
  /** Changes the mode and keeps it on disk; resolves once it is written. */
  set(mode: Mode): Promise<void>;
}

export async function loadAgentMode(opts: {
  configured: Mode;
  stateDir: string;
  log: Logger;
}): Promise<AgentMode> {
  const path = join(opts.stateDir, 'mode.json');
  let mode = opts.configured;
  const kept = await readFile(path, 'utf8').then(
    (text) => (JSON.parse(text) as { mode?: unknown }).mode,
    () => undefined,
  );
  if (kept === 'pilot' || kept === 'live') {
    if (kept !== mode) {
      opts.log.info(
        { event: 'mode_kept', mode: kept, configured: mode },
        `running in ${kept} mode as the hub last set it (${path}); the config says ${mode}`,
      );
    }
    mode = kept;
  }
  return {
    current: () => mode,
    async set(next) {
      await writeDurably(path, JSON.stringify({ mode: next }));
      mode = next;
    },
  };
}

/**
 * The act stage behind the mode switch: every inspection is stamped with the mode it was decided in (its result
 * carries it), and in pilot the actions are not fired.
 */
export function gateByMode<S extends ActStage>(stage: S, mode: AgentMode): S & { skipped(): number } {
  let skipped = 0;
  return {
    ...stage,
    act(inspection: Inspection) {
      inspection.mode = mode.current();
      if (inspection.mode === 'pilot') skipped += 1;
      else stage.act(inspection);
    },
    /** Inspections not acted on because the agent was in pilot. */
    skipped: () => skipped,
  };
}
