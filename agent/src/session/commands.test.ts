import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createDecisionPolicy } from '../decide/index.ts';
import type { Recipe, RecipeBook } from '../recipes/recipe-book.ts';
import type { RaisedEvent } from '../report/events.ts';
import { commandHandler } from './commands.ts';

describe('commands', () => {
  it('trigger hands a part to the cameras; recipe changes over; set-threshold changes the current recipe', () => {
    const policy = createDecisionPolicy({ defect: 0.5, uncertainBand: 0 });
    const changes: unknown[] = [];
    const recipe = { id: 'plate-a', policy } as unknown as Recipe;
    const recipes = {
      current: () => recipe,
      change: (to: unknown) => {
        changes.push(to);
        return recipe;
      },
    } as unknown as RecipeBook;
    const triggers: unknown[] = [];
    const events: RaisedEvent[] = [];
    let births = 0;
    const handle = commandHandler({
      recipes,
      trigger: (c, p) => triggers.push([c, p]),
      announce: (e) => events.push(e),
      rebirth: () => births++,
      log: pino({ level: 'silent' }),
    });
    handle('trigger', { camera: 'cam0', part: 'P9' });
    handle('recipe', { index: 2 });
    handle('set-threshold', { threshold: 0.8, by: 'lena' });
    expect(triggers).toEqual([['cam0', 'P9']]);
    expect(changes).toEqual([{ index: 2 }]);
    expect(policy.current().defect).toBe(0.8);
    // The change is reported with who asked, and the birth shows the new threshold.
    expect(events).toEqual([
      {
        kind: 'config_changed',
        severity: 'info',
        message: 'defect threshold of recipe plate-a changed from 0.5 to 0.8 by lena',
        detail: { setting: 'thresholds.defect', recipe: 'plate-a', from: 0.5, to: 0.8, by: 'lena' },
      },
    ]);
    expect(births).toBe(1);
  });
});
