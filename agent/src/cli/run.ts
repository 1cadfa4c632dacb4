import pino from 'pino';
import { startAgent } from '../agent.ts';
import type { AgentConfig } from '../config/index.ts';

/** `run`: inspect until a signal (or, with --frames, until the synthetic cameras are done). */
export async function runCommand(
  config: AgentConfig,
  opts: { frameLimit?: number; logLevel: string },
): Promise<number> {
  const log = pino(
    { level: opts.logLevel, base: { site: config.site, line: config.line, agent: config.agent } },
    pino.destination(2),
  );
  const agent = await startAgent({
    config,
    log,
    ...(opts.frameLimit === undefined ? {} : { frameLimit: opts.frameLimit }),
  });
  log.info({ event: 'started', cameras: config.cameras.length }, 'agent started');
  const stopSignal = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const reason = await Promise.race([stopSignal, agent.sourcesDone.then(() => 'sources ended')]);
  log.info({ event: 'stopping', reason }, 'stopping');
  const summary = await agent.stop();
  // The last stdout line is the run's summary, for scripts (pnpm demo reads it).
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return summary.outbox_depth === 0 ? 0 : 1;
}
