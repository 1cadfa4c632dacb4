import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

interface DemoLine {
  line: string;
  mode: string;
  went_live: boolean;
  samples: number;
  defects: number;
  published: number;
  stored: number;
}

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The README's first command, short: `pnpm demo --for …` on its own data dir and free ports. */
function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('pnpm demo', () => {
  it('runs three lines end to end: every published part stored, line-1 piloted then live, defect images on the hub', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sl-demo-'));
    const run = await runDemo([
      '--for',
      '50s',
      '--pilot',
      '15s',
      '--http-port',
      '0',
      '--mqtt-port',
      '0',
      '--data',
      dir,
      '--prebuilt',
    ]);
    expect(run.stderr).not.toMatch(/demo: /);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Dashboard: http:\/\/127\.0\.0\.1:\d+\/#signin=sll_/);
    expect(run.stdout).toContain('line-1: baseline frozen over its 15s pilot; now live.');
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { lines: DemoLine[] };
    expect(summary.lines.map((l) => l.line)).toEqual(['line-1', 'line-2', 'line-3']);
    for (const l of summary.lines) {
      expect(l.published, l.line).toBeGreaterThan(0);
      expect(l.stored, l.line).toBe(l.published);
      expect(l.mode, l.line).toBe('live');
      // Every defect frame is kept and sent (sampling's defect category has no share below 1).
      if (l.defects > 0) expect(l.samples, l.line).toBeGreaterThan(0);
    }
    expect(summary.lines.find((l) => l.line === 'line-1')?.went_live).toBe(true);
    expect(summary.lines.find((l) => l.line === 'line-2')?.went_live).toBe(false);
  }, 300_000);
});
