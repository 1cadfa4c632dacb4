import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ResultsDeadLetter } from '../support/hub-db.ts';
import type { Tally } from '../support/tally.ts';

/**
 * Prints a scenario's tally, hands it to `pnpm test:faults` (one JSON file per scenario in
 * SL_FAULTS_REPORT_DIR) and asserts it: nothing lost, nothing stored twice or altered.
 */
export function expectNothingLost(
  scenario: string,
  t: Tally & { refused?: ResultsDeadLetter[] },
  extra: Record<string, unknown> = {},
): void {
  const line = { scenario, ...t, ...extra };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  const dir = process.env.SL_FAULTS_REPORT_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${scenario}.json`), JSON.stringify(line));
  }
  expect(t.created, 'the agents created results').toBeGreaterThan(0);
  expect(
    { lost: t.lost, duplicated: t.duplicated, unexplained: t.unexplained },
    `${scenario}: ${t.lost} lost (${t.lostAcknowledged} of them acknowledged to the agent), ${t.duplicated} duplicated, ${t.unexplained} unexplained of ${t.created} created; e.g. ${t.examples.join('; ')}${refusedNote(t.refused)}`,
  ).toEqual({ lost: 0, duplicated: 0, unexplained: 0 });
}

/** Why the hub refused results messages (each refused seq reads as lost, acknowledged): the first few. */
function refusedNote(refused: ResultsDeadLetter[] = []): string {
  if (refused.length === 0) return '';
  const first = refused.slice(0, 3).map((d) => `${d.topic}: ${d.code} ${d.error}`);
  return `; the hub refused ${refused.length} results message(s): ${first.join('; ')}`;
}

/** A progress line on stderr in full runs (`pnpm test:faults`), where a scenario takes minutes. */
export function progress(scenario: string, message: string): void {
  if (process.env.SL_FAULTS_SCALE === 'full') {
    process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${scenario}: ${message}\n`);
  }
}
