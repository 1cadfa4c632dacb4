import type { CommandName, Commands } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { RecipeBook } from '../recipes/recipe-book.ts';
import { type RaisedEvent, thresholdChangedEvent } from '../report/events.ts';

/**
 * What the agent does with each (already validated, so bounded: a threshold lies in [0, 1]) command. Commands
 * come only from the hub: the broker lets nobody else publish them. A change is reported as an event naming who
 * asked, and the birth is published again so the hub shows the setting in force.
 */
export function commandHandler(deps: {
  recipes: RecipeBook;
  /** A part to inspect (cmd/trigger): on one camera, or on every camera triggered by MQTT. */
  trigger: (camera?: string, part?: string) => void;
  /** Reports a change to the hub (an agent event). */
  announce: (event: RaisedEvent) => void;
  /** Publishes the birth again, with the settings now in force. */
  rebirth: () => void;
  log: Logger;
}) {
  return (name: CommandName, payload: unknown): void => {
    if (name === 'set-threshold') {
      const { threshold, by } = payload as z.infer<(typeof Commands)['set-threshold']>;
      const recipe = deps.recipes.current();
      const from = recipe.policy.current().defect;
      recipe.policy.setDefectThreshold(threshold);
      deps.log.info(
        { event: 'threshold_set', threshold, from, recipe: recipe.id, by },
        `threshold ${from} -> ${threshold} (set by ${by ?? 'the hub'})`,
      );
      deps.announce(thresholdChangedEvent({ recipe: recipe.id, from, to: threshold, ...(by ? { by } : {}) }));
      deps.rebirth();
    } else if (name === 'rebirth') {
      deps.rebirth();
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
