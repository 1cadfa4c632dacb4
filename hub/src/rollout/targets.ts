import { createHash } from 'node:crypto';
import type { RolloutSpec } from '@sightline/protocol';
import type { FleetAgent } from './fleet.ts';

/** Agents matching every list the targets give (an empty list or none: no restriction). */
export function matchTargets(agents: readonly FleetAgent[], targets: RolloutSpec['targets']): FleetAgent[] {
  const has = <T>(list: readonly T[] | undefined, pick: (l: readonly T[]) => boolean) =>
    !list?.length || pick(list);
  return agents.filter(
    (a) =>
      has(targets.sites, (l) => l.includes(a.site)) &&
      has(targets.lines, (l) => l.includes(a.line) || l.includes(`${a.site}/${a.line}`)) &&
      has(
        targets.agents,
        (l) => l.includes(a.agent) || l.includes(a.key) || l.includes(`${a.line}/${a.agent}`),
      ) &&
      has(targets.products, (l) => a.recipes.some((r) => l.includes(r))),
  );
}

export interface StagePlan {
  key: string;
  /** First stage that runs the model in shadow on this agent, if any. */
  shadow: number | null;
  /** First stage that makes the model live on this agent, if any. */
  active: number | null;
}

/**
 * Which agent joins which stage. Agents are ranked by a hash of the rollout id and their key (the same order
 * for every stage, so a canary is among the agents that shadowed, and another rollout picks other canaries);
 * a stage of share s covers the first ceil(s × n) of them (at least one), counted from the whole target set.
 */
export function planStages(
  rolloutId: string,
  keys: readonly string[],
  stages: RolloutSpec['stages'],
): StagePlan[] {
  const rank = (k: string) => createHash('sha256').update(`${rolloutId}\n${k}`).digest('hex');
  const ordered = [...keys].sort((a, b) => (rank(a) < rank(b) ? -1 : 1));
  const covered = (share: number) => Math.min(ordered.length, Math.max(1, Math.ceil(share * ordered.length)));
  return ordered.map((key, i) => {
    const first = (shadow: boolean) => {
      const at = stages.findIndex((s) => (s.kind === 'shadow') === shadow && i < covered(s.share));
      return at < 0 ? null : at;
    };
    return { key, shadow: first(true), active: first(false) };
  });
}
