import { describe, expect, it } from 'vitest';
import { runSuite, summary } from './suite.ts';

/**
 * The security suite at CI size (full counts: `pnpm test:security`): every attack refused, nothing crashed, and the
 * fuzzers sent all they generated.
 */
describe('security suite (CI counts)', () => {
  it('refuses every attack and survives the fuzzers', { timeout: 600_000 }, async () => {
    const report = await runSuite({ mqttFuzz: 1_000, httpFuzz: 150, floodSeconds: 5 });
    const refusedNot = report.outcomes.filter((o) => !o.refused).map((o) => `${o.name}: ${o.detail}`);
    expect(refusedNot).toEqual([]);
    expect(report.crashNotes).toEqual([]);
    const line = summary(report);
    expect(line.attacks).toBeGreaterThanOrEqual(70);
    expect(line).toEqual({ attacks: line.attacks, refused: line.attacks, fuzz_inputs: 1_150, crashes: 0 });
  });
});
