import { type Attack, type AttackOutcome, runAttacks } from './attacks/attack.ts';
import { type FloodFigures, floodAttack } from './attacks/flood.ts';
import { httpAttacks } from './attacks/http.ts';
import { mqttAttacks } from './attacks/mqtt.ts';
import { startStack } from './support/stack.ts';

export interface SuiteOptions {
  /** Generated MQTT payloads and HTTP requests. */
  mqttFuzz: number;
  httpFuzz: number;
  floodSeconds: number;
  log?: (line: string) => void;
}

export interface SuiteReport {
  outcomes: AttackOutcome[];
  fuzzInputs: number;
  crashes: number;
  flood?: FloodFigures;
}

/** Starts the system as real processes, runs every attack, then the fuzzers; reports what was refused. */
export async function runSuite(opts: SuiteOptions): Promise<SuiteReport> {
  const log = opts.log ?? (() => undefined);
  const report: SuiteReport = { outcomes: [], fuzzInputs: 0, crashes: 0 };
  const print = (o: AttackOutcome) => log(`${o.refused ? 'refused ' : 'ALLOWED '} ${o.name}: ${o.detail}`);
  const limit = 100;
  const stack = await startStack({
    agents: 2,
    hub: { broker: { port: 0, limits: { messagesPerSecond: limit, burstSeconds: 2 } } },
  });
  try {
    log(`hub ${stack.httpUrl} ${stack.mqttUrl}; waiting for both agents' first results`);
    const { waitFor } = await import('../support/wait.ts');
    const { storedOf } = await import('./support/api.ts');
    for (const a of stack.agents)
      await waitFor(
        `${a.ref.agent}'s first results`,
        180_000,
        async () => (await storedOf(stack, a.ref.agent)) > 0,
      );
    const mqtt = mqttAttacks(stack);
    const groups: Attack[] = [
      ...mqtt.attacks,
      floodAttack(stack, { seconds: opts.floodSeconds, limit, burstSeconds: 2 }, (f) => {
        report.flood = f;
      }),
      ...(await httpAttacks(stack)),
    ];
    report.outcomes.push(...(await runAttacks(groups, print)));
    mqtt.close();
    const gone = stack.agents.filter((a) => !a.alive()).length + (stack.hubAlive() ? 0 : 1);
    report.crashes += gone;
  } finally {
    await stack.close();
  }
  return report;
}
