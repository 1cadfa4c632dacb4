import type { Logger } from 'pino';
import type { CapturedFrame } from '../capture/index.ts';
import type { LineClock, SteppedScheduler } from '../line/clock.ts';
import type { Recipe, RecipeBook } from '../recipes/recipe-book.ts';
import type { TriggerConfig, TriggerKind } from './config.ts';
import { createPartSelector, type MissedPart, type SelectedPart } from './part-selector.ts';
import type { PresenceDetector } from './presence.ts';

export type Selected = SelectedPart<Recipe>;
export type Missed = MissedPart<Recipe>;

/** The select stage of one camera: which frames are parts, and which recipe each part runs. */
export interface SelectStage {
  readonly kind: TriggerKind;
  /** Every frame, in capture order: moves the line clock and encoder on, applies its signals, returns the parts it completes. */
  frame(captured: CapturedFrame): Selected[];
  /** A trigger from an input (GPIO, MQTT, HTTP, PLC), stamped now on the line clock. */
  trigger(from: TriggerKind, part?: string): Selected[];
  /** Parts given up since the last call, as of `now` (a silent camera's triggers expire). */
  missed(now: number): Missed[];
  /** Waiting triggers when the camera stops. */
  end(): Missed[];
  /** Parts announced so far. */
  triggered(): number;
}

/**
 * Turns frames and triggers into parts by the camera's trigger kind: free-run (every frame), presence
 * (the best-placed frame, OpenCV), or a trigger input (the frame nearest trigger + the recipe's capture
 * delay, part-selector.ts). Line signals riding with the frames are applied here in time order: product
 * changes (recipe book), photo-eye edges (the conveyor trigger), encoder counts. Each part is bound to the
 * recipe in force when it was announced, so parts in flight keep theirs across a changeover.
 */
export function createSelectStage(opts: {
  camera: string;
  trigger: TriggerConfig;
  recipes: RecipeBook;
  clock: LineClock;
  encoder?: SteppedScheduler;
  presence?: PresenceDetector;
  log: Logger;
}): SelectStage {
  const { camera, trigger, recipes, clock, log } = opts;
  const selector = createPartSelector<Recipe>({
    bind: () => recipes.current(),
    ...('maxOffsetMs' in trigger && trigger.maxOffsetMs !== undefined
      ? { maxOffsetMs: trigger.maxOffsetMs }
      : {}),
  });
  const delay = () => recipes.current().camera(camera).captureDelayMs;
  let triggered = 0;
  let lastRecipeError = '';

  const changeRecipe = (recipe: string) => {
    try {
      recipes.change({ recipe });
    } catch (err) {
      const message = (err as Error).message;
      if (message !== lastRecipeError)
        log.error(
          { event: 'recipe_change_failed', camera, err: message },
          'the line announced an unknown recipe',
        );
      lastRecipeError = message;
    }
  };
  const announce = (kind: TriggerKind, ts: number, extra: { part?: string; encoder?: number } = {}) => {
    triggered += 1;
    return selector.trigger({ kind, ts, ...extra }, delay());
  };

  return {
    kind: trigger.kind,
    frame(captured) {
      const signals = captured.signals;
      if (signals?.encoder !== undefined) opts.encoder?.advance(signals.encoder);
      const out: Selected[] = [];
      // Product changes and photo-eye edges in time order; a change at an edge's time comes first.
      const changes = [...(signals?.recipe ?? [])];
      for (const eye of signals?.photoEye ?? []) {
        while (changes.length && (changes[0]?.ts ?? 0) <= eye.ts)
          changeRecipe(changes.shift()?.recipe as string);
        if (trigger.kind === 'conveyor')
          out.push(
            ...announce('conveyor', eye.ts, eye.encoder === undefined ? {} : { encoder: eye.encoder }),
          );
      }
      for (const c of changes) changeRecipe(c.recipe);
      clock.advance(captured.ts);
      if (trigger.kind === 'free-run') {
        triggered += 1;
        return [
          {
            trigger: {
              kind: 'free-run',
              ts: signals?.trigger ?? captured.ts,
              ...(signals?.encoder === undefined ? {} : { encoder: signals.encoder }),
            },
            captured,
            bound: recipes.current(),
          },
        ];
      }
      if (trigger.kind === 'presence') {
        const best = opts.presence?.frame(captured);
        if (best) {
          triggered += 1;
          out.push({
            trigger: {
              kind: 'presence',
              ts: best.ts,
              ...(best.signals?.encoder === undefined ? {} : { encoder: best.signals.encoder }),
            },
            captured: best,
            bound: recipes.current(),
          });
        }
        return out;
      }
      out.push(...selector.frame(captured));
      return out;
    },
    trigger(from, part) {
      const encoder = opts.encoder?.now();
      return announce(from, clock.now(), {
        ...(part === undefined ? {} : { part }),
        ...(encoder === undefined || !Number.isFinite(encoder) ? {} : { encoder }),
      });
    },
    missed(now) {
      return [...selector.takeMissed(), ...selector.expire(now)];
    },
    end: () => selector.end(),
    triggered: () => triggered,
  };
}
