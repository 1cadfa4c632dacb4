import type { RegistryEntry, Rollout } from '@sightline/protocol';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const pad = (s: string, n: number) => (s.length >= n ? `${s} ` : s.padEnd(n));

/** The registry as a table: one model per line, its check and why it was rejected. */
export function formatRegistry(models: readonly RegistryEntry[]): string {
  if (models.length === 0) return 'no models in the registry\n';
  const lines = models.map((m) => {
    const check = m.selftest
      ? `golden ${m.selftest.images} ${m.selftest.passed ? 'passed' : 'FAILED'}, max diff ${m.selftest.max_diff.toFixed(4)}, ${m.selftest.p50_ms.toFixed(1)} ms`
      : '';
    return `${pad(`${m.id} ${m.version}`, 24)}${pad(m.status, 10)}${pad(`key ${m.key_id}`, 22)}${check}${m.reason ? `  — ${m.reason}` : ''}`;
  });
  return `${lines.join('\n')}\n`;
}

/** A rollout: its state and stage, each gate reading, and every agent's progress. */
export function formatRollout(r: Rollout): string {
  const stage = r.spec.stages[r.stage];
  const head = `rollout ${r.id}  ${r.model.id} ${r.model.version}  ${r.state}  stage ${r.stage + 1}/${r.spec.stages.length} (${stage?.kind} ${stage?.share})${r.reason ? `  — ${r.reason}` : ''}`;
  const gates = r.gates.map(
    (g) =>
      `  gates of stage ${g.stage + 1}: ${g.results
        .map(
          (x) =>
            `${x.gate} ${x.value === null ? 'n/a' : x.value.toFixed(3)} ${x.passed ? '✓' : '✗'} (limit ${x.limit})`,
        )
        .join(', ')}`,
  );
  const agents = r.agents.map((a) => {
    const c = a.compare;
    const compared = c ? `${c.frames} compared, ${c.frames ? pct(c.agree / c.frames) : '–'} agree` : '';
    const share =
      a.progress === 'downloading' && a.progress_share !== null ? ` ${pct(a.progress_share)}` : '';
    return `  ${pad(a.key, 36)}stage ${pad(String(a.stage + 1), 4)}${pad(`${a.progress}${share}`, 20)}${compared}${a.error ? `  — ${a.code ?? ''} ${a.error}` : ''}`;
  });
  return `${[head, ...gates, ...agents].join('\n')}\n`;
}
