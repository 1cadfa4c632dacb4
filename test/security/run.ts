import { runSuite, summary } from './suite.ts';

/**
 * `pnpm test:security`: every attack of issue 11 and the fuzzers at full counts (10,000 MQTT payloads, 1,000 HTTP
 * requests) against real processes; progress on stderr, the final JSON line on stdout. `pnpm test:security 500 100`
 * runs smaller counts. Exits 1 when an attack got through or something crashed.
 */
const [mqttFuzz = 10_000, httpFuzz = 1_000] = process.argv.slice(2).map(Number);
const report = await runSuite({
  mqttFuzz,
  httpFuzz,
  floodSeconds: 10,
  log: (line) => process.stderr.write(`${line}\n`),
});
for (const note of report.crashNotes) process.stderr.write(`CRASH ${note}\n`);
const line = summary(report);
process.stderr.write(`flood: ${JSON.stringify(report.flood)}\n`);
process.stdout.write(`${JSON.stringify(line)}\n`);
process.exitCode = line.refused === line.attacks && line.crashes === 0 ? 0 : 1;
