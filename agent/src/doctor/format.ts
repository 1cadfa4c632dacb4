import type { Check } from './check.ts';

/** `PASS  name  detail` / `FAIL  name  detail` + an indented `fix:` line, then a count. */
export function formatChecks(checks: readonly Check[]): string {
  const width = Math.max(0, ...checks.map((c) => c.name.length));
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name.padEnd(width)}  ${c.detail}`);
    if (!c.ok && c.fix) lines.push(`      ${' '.repeat(width)}  fix: ${c.fix}`);
  }
  const failed = checks.filter((c) => !c.ok).length;
  lines.push(
    failed === 0
      ? `all ${checks.length} checks passed`
      : `${failed} of ${checks.length} checks failed; fix them from the top, then run \`sightline-agent doctor\` again`,
  );
  return `${lines.join('\n')}\n`;
}
