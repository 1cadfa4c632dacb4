import { waitFor } from '../support/wait.ts';
import { type Attack, type AttackOutcome, runAttacks } from './attacks/attack.ts';
import { type FloodFigures, floodAttack } from './attacks/flood.ts';
import { httpAttacks } from './attacks/http.ts';
import { mqttAttacks } from './attacks/mqtt.ts';
import { fuzzHttp, type HttpFuzzReport } from './fuzz/http.ts';
import { fuzzMqtt, type MqttFuzzReport } from './fuzz/mqtt.ts';
import { storedOf } from './support/api.ts';
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
  mqttFuzz?: MqttFuzzReport;
  httpFuzz?: HttpFuzzReport;
  /** What made `crashes` non-zero. */
  crashNotes: string[];
}

/** Starts the system as real processes, runs every attack, then the fuzzers; reports what was refused. */
export async function runSuite(opts: SuiteOptions): Promise<SuiteReport> {
  const log = opts.log ?? (() => undefined);
  const report: SuiteReport = { outcomes: [], fuzzInputs: 0, crashes: 0, crashNotes: [] };
  const print = (o: AttackOutcome) => log(`${o.refused ? 'refused ' : 'ALLOWED '} ${o.name}: ${o.detail}`);
  const limit = 100;
  const stack = await startStack({
    agents: 2,
    hub: {
      broker: { port: 0, limits: { messagesPerSecond: limit, burstSeconds: 2 } },
      // The suite's own tokens make thousands of requests; one attack checks the limit with a token of its own.
      http: { port: 0, rateLimit: { requestsPerSecond: 50, burst: 100 } },
    },
  });
  try {
    log(`hub ${stack.httpUrl} ${stack.mqttUrl}; waiting for both agents' first results`);
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

    log(`fuzzing: ${opts.mqttFuzz} MQTT payloads, ${opts.httpFuzz} HTTP requests`);
    report.mqttFuzz = await fuzzMqtt(stack, { count: opts.mqttFuzz, seed: 11, oversizedBytes: 1_100_000 });
    log(`MQTT fuzz: ${JSON.stringify(report.mqttFuzz)}`);
    report.httpFuzz = await fuzzHttp(stack, { count: opts.httpFuzz, seed: 12 });
    log(
      `HTTP fuzz: ${JSON.stringify({ ...report.httpFuzz, serverErrors: report.httpFuzz.serverErrors.slice(0, 20) })}`,
    );
    report.fuzzInputs = report.mqttFuzz.sent + report.httpFuzz.sent;
    report.crashNotes.push(...report.httpFuzz.serverErrors);

    // Everything still works: both agents still publish and the hub stores it.
    for (const a of stack.agents) {
      const before = await storedOf(stack, a.ref.agent);
      await waitFor(
        `${a.ref.agent} storing after the fuzz`,
        120_000,
        async () => (await storedOf(stack, a.ref.agent)) > before,
      ).catch((error: Error) => report.crashNotes.push(error.message));
    }
    for (const a of stack.agents) if (!a.alive()) report.crashNotes.push(`agent ${a.ref.agent} exited`);
    if (!stack.hubAlive()) report.crashNotes.push(`the hub exited: ${stack.hubLog().slice(-1000)}`);
    report.crashes = report.crashNotes.length;
  } finally {
    await stack.close();
  }
  return report;
}

/** The figures `pnpm test:security` prints as its final line. */
export const summary = (r: SuiteReport) => ({
  attacks: r.outcomes.length,
  refused: r.outcomes.filter((o) => o.refused).length,
  fuzz_inputs: r.fuzzInputs,
  crashes: r.crashes,
});
