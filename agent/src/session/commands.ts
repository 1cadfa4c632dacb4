import type { CommandName, Commands } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { RecipeBook } from '../recipes/recipe-book.ts';

/** What the agent does with each (already validated) command from the hub, the PLC or the MES. */
export function commandHandler(deps: {
  recipes: RecipeBook;
  /** A part to inspect (cmd/trigger): on one camera, or on every camera triggered by MQTT. */
  trigger: (camera?: string, part?: string) => void;
  log: Logger;
}) {
  return (name: CommandName, payload: unknown): void => {
    if (name === 'set-threshold') {
      const { threshold } = payload as z.infer<(typeof Commands)['set-threshold']>;
      const recipe = deps.recipes.current();
      recipe.policy.setDefectThreshold(threshold);
      deps.log.info({ event: 'threshold_set', threshold, recipe: recipe.id }, 'threshold changed by command');
    } else if (name === 'trigger') {
      const { camera, part } = payload as z.infer<(typeof Commands)['trigger']>;
      deps.trigger(camera, part);
    } else if (name === 'recipe') {
      const { recipe, index } = payload as z.infer<(typeof Commands)['recipe']>;
      try {
        deps.recipes.change({
          ...(recipe === undefined ? {} : { recipe }),
          ...(index === undefined ? {} : { index }),
        });
      } catch (err) {
        deps.log.error(
          { event: 'recipe_refused', recipe, index, err: (err as Error).message },
          'recipe command refused',
        );
      }
    } else {
      deps.log.info({ event: 'command_ignored', name }, `command ${name} is not supported yet`);
    }
  };
}
