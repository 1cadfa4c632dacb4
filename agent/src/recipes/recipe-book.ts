import type { AgentConfig, CameraConfig } from '../config/index.ts';
import { createDecisionPolicy, type DecisionPolicy } from '../decide/index.ts';
import { AgentError } from '../errors.ts';
import { createModelSlot, type ModelSlot } from '../infer/model-slot.ts';
import type { RegionConfig } from '../regions/config.ts';
import type { ModelLibrary } from './model-library.ts';

/** One inspection region of a recipe, ready to run: where it is and the model slot it runs through. */
export interface RegionPlan {
  /** Undefined: the whole frame (a camera without regions). */
  config?: RegionConfig;
  name: string;
  models: ModelSlot;
  /** Overrides the recipe's defect threshold. */
  threshold?: number;
}

/** A product type, ready to inspect: its model (in a slot a model update can swap), thresholds, and per camera its regions and trigger timing. */
export interface Recipe {
  id: string;
  index?: number;
  models: ModelSlot;
  policy: DecisionPolicy;
  camera(id: string): { regions: RegionPlan[]; captureDelayMs: number };
}

export interface RecipeBook {
  current(): Recipe;
  all(): readonly Recipe[];
  /** Changes over to a recipe by id or PLC index; throws SL_RECIPE_UNKNOWN naming the known ones. */
  change(to: { recipe?: string; index?: number }): Recipe;
  /** Listens to changeovers (not called for a change to the recipe already in force). */
  onChange(listener: (to: Recipe, from: Recipe) => void): void;
}

/** Without `recipes:` the agent runs one recipe, "default", made of its top-level settings. */
export const DEFAULT_RECIPE = 'default';

const captureDelayOf = (camera: CameraConfig) =>
  'captureDelayMs' in camera.trigger ? camera.trigger.captureDelayMs : 0;

/**
 * Loads every recipe's models up front (through the library, once per directory), so a changeover is
 * instant: the next part triggered runs the new recipe's model, thresholds and regions. Each recipe
 * holds its model in its own slot (infer/model-slot.ts), which model updates swap.
 */
export async function createRecipeBook(config: AgentConfig, library: ModelLibrary): Promise<RecipeBook> {
  const specs = config.recipes.length
    ? config.recipes
    : [{ id: DEFAULT_RECIPE, thresholds: {}, cameras: {} } as AgentConfig['recipes'][number]];
  const recipes: Recipe[] = [];
  for (const spec of specs) {
    const model = await library.load(spec.model?.dir);
    const policy = createDecisionPolicy({
      defect: spec.thresholds.defect ?? config.thresholds.defect ?? model.manifest.threshold,
      uncertainBand: spec.thresholds.uncertainBand ?? config.thresholds.uncertainBand,
    });
    const models = createModelSlot(model);
    const cameras = new Map<string, { regions: RegionPlan[]; captureDelayMs: number }>();
    for (const camera of config.cameras) {
      const own = spec.cameras[camera.id];
      const regions = own?.regions ?? camera.regions;
      const plans: RegionPlan[] = regions.length
        ? await Promise.all(
            regions.map(async (r) => ({
              config: r,
              name: r.name,
              models: r.model ? createModelSlot(await library.load(r.model.dir)) : models,
              ...(r.threshold === undefined ? {} : { threshold: r.threshold }),
            })),
          )
        : [{ name: 'frame', models }];
      cameras.set(camera.id, {
        regions: plans,
        captureDelayMs: own?.captureDelayMs ?? captureDelayOf(camera),
      });
    }
    recipes.push({
      id: spec.id,
      ...(spec.index === undefined ? {} : { index: spec.index }),
      models,
      policy,
      camera(id) {
        const plan = cameras.get(id);
        if (!plan) throw new AgentError('SL_CONFIG_INVALID', `recipe ${spec.id}: no camera ${id}`);
        return plan;
      },
    });
  }
  let current = recipes.find((r) => r.id === config.recipe) ?? (recipes[0] as Recipe);
  const listeners: ((to: Recipe, from: Recipe) => void)[] = [];
  return {
    current: () => current,
    all: () => recipes,
    change(to) {
      const next = recipes.find((r) =>
        to.recipe !== undefined ? r.id === to.recipe : to.index !== undefined && r.index === to.index,
      );
      if (!next) {
        const known = recipes
          .map((r) => (r.index === undefined ? r.id : `${r.id} (index ${r.index})`))
          .join(', ');
        const asked = to.recipe !== undefined ? `"${to.recipe}"` : `index ${to.index}`;
        throw new AgentError('SL_RECIPE_UNKNOWN', `no recipe ${asked}; this agent knows ${known}`);
      }
      const from = current;
      current = next;
      if (next !== from) for (const l of listeners) l(next, from);
      return next;
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
