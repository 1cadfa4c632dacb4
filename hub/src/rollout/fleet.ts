import type { ModelIdentity, ModelStatus, Thresholds } from '@sightline/protocol';
import type { AgentSnapshot } from '../store/index.ts';

/** One agent as rollouts see it: where it is, whether it is online, what runs on it and its latest update status. */
export interface FleetAgent {
  key: string;
  site: string;
  line: string;
  agent: string;
  online: boolean;
  /** The live model: from the latest model status, else from birth. */
  active: ModelIdentity | null;
  status: ModelStatus | null;
  /** Thresholds in force: from the latest model status, else from birth. */
  thresholds: Thresholds | null;
  /** Recipes (products) the agent's birth lists, when it has recipes. */
  recipes: string[];
}

export function fleetAgent(s: AgentSnapshot): FleetAgent {
  const birth = s.birth as (AgentSnapshot['birth'] & { recipes?: unknown }) | null;
  const recipes = Array.isArray(birth?.recipes)
    ? birth.recipes.filter((r): r is string => typeof r === 'string')
    : [];
  // A status newer than the birth knows the model better (a switch happens without a new birth).
  const status = s.model_status;
  const fromStatus = status?.active && (!birth || status.ts >= birth.ts) ? status.active : null;
  return {
    key: `${s.site}/${s.line}/${s.agent}`,
    site: s.site,
    line: s.line,
    agent: s.agent,
    online: s.state?.online ?? false,
    active: fromStatus ?? birth?.model ?? null,
    status,
    thresholds: (fromStatus ? status?.thresholds : undefined) ?? birth?.thresholds ?? null,
    recipes,
  };
}
