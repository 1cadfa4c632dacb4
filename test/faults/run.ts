/**
 * pnpm test:faults [vitest filters…] — every suite in test/faults at full counts (SL_FAULTS_SCALE=full
 * unless set otherwise), then one JSON line totalling the scenarios' tallies:
 * {"created":N,"stored":N,"lost":0,"duplicated":0,"scenarios":K,"failed":0}. Exits non-zero if any
 * test failed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const reportDir = await mkdtemp(join(tmpdir(), 'sl-faults-report-'));
const startedAt = Date.now();
const vitestJson = join(reportDir, 'vitest.json');
const filters = process.argv.slice(2).filter((a) => a !== '--');

const code = await new Promise<number>((done) => {
  const child = spawn(
    'pnpm',
    [
      'exec',
      'vitest',
      'run',
      '--project',
      'test',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestJson}`,
      ...(filters.length > 0 ? filters.map((f) => `faults/${f}`) : ['faults/']),
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        SL_FAULTS_SCALE: process.env.SL_FAULTS_SCALE ?? 'full',
        SL_FAULTS_REPORT_DIR: reportDir,
      },
    },
  );
  child.once('exit', (c) => done(c ?? 1));
});

interface ScenarioLine {
  scenario: string;
  created: number;
  stored: number;
  lost: number;
  duplicated: number;
}
const lines: ScenarioLine[] = [];
for (const file of (await readdir(reportDir)).filter((f) => f.endsWith('.json') && f !== 'vitest.json')) {
  lines.push(JSON.parse(await readFile(join(reportDir, file), 'utf8')) as ScenarioLine);
}
const failed = await readFile(vitestJson, 'utf8').then(
  (text) => (JSON.parse(text) as { numFailedTests: number }).numFailedTests,
  // No report at all: vitest itself failed.
  () => Math.max(1, lines.length),
);
await rm(reportDir, { recursive: true, force: true });

for (const l of lines.sort((a, b) => a.scenario.localeCompare(b.scenario))) {
  process.stderr.write(
    `${l.scenario.padEnd(20)} created ${l.created}  stored ${l.stored}  lost ${l.lost}  duplicated ${l.duplicated}\n`,
  );
}
process.stderr.write(`test:faults took ${Math.round((Date.now() - startedAt) / 1000)} s\n`);
const sum = (k: 'created' | 'stored' | 'lost' | 'duplicated') => lines.reduce((n, l) => n + l[k], 0);
process.stdout.write(
  `${JSON.stringify({
    created: sum('created'),
    stored: sum('stored'),
    lost: sum('lost'),
    duplicated: sum('duplicated'),
    scenarios: lines.length,
    failed,
  })}\n`,
);
process.exitCode = code === 0 && failed === 0 ? 0 : 1;
