import type { RecipeMetrics } from '@sightline/protocol';
import type { RecipeCounts } from '../store/types.ts';
import { wilson } from './wilson.ts';

/** A line's products over a window: each recipe's rate with its Wilson interval and its share of the line's parts. */
export function deriveRecipeMetrics(counts: readonly RecipeCounts[]): RecipeMetrics[] {
  const total = counts.reduce((n, c) => n + c.n, 0);
  return counts.map((c) => ({
    recipe: c.recipe,
    inspected: c.n,
    defects: c.defects,
    uncertain: c.uncertain,
    defect_rate: c.n === 0 ? 0 : c.defects / c.n,
    defect_rate_ci: wilson(c.defects, c.n),
    truth_n: c.truth_n,
    true_defect_rate: c.truth_n === 0 ? null : c.truth_defects / c.truth_n,
    share: total === 0 ? 0 : c.n / total,
  }));
}
