import type { KeyObject } from 'node:crypto';
import type { ModelDesired, ModelIdentity, ModelStatus, Thresholds } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { DecisionPolicy, Thresholds as InForce } from '../decide/index.ts';
import type { ActiveModel, ModelSlot } from '../infer/model-slot.ts';
import type { RaisedEvent } from '../report/events.ts';
import { type BootNote, readInstalled } from './boot.ts';
import type { BundleChannel } from './channel.ts';
import { checkNotKnownBad, checkVersion, refusalOf, sameModel, UpdateRefused } from './checks.ts';
import type { UpdateConfig } from './config.ts';
import type { Failpoints } from './failpoint.ts';
import { type Installer, installBundle } from './install.ts';
import { type BundleLoader, loadTested, selfTest } from './load.ts';
import { createProbation } from './probation.ts';
import { rollBack } from './rollback.ts';
import type { ShadowRunner } from './shadow.ts';
import { applyThresholds, createStatusReporter } from './status.ts';
import type { ModelStore, SlotId } from './store.ts';

export interface UpdateControllerDeps {
  config: UpdateConfig;
  store: ModelStore;
  channel: BundleChannel;
  models: ModelSlot;
  policy: DecisionPolicy;
  shadow: ShadowRunner;
  load: BundleLoader;
  /** Runs a loaded bundle's golden images (default: through the model's engine, selfTest in load.ts). */
  selfTest?: typeof selfTest;
  /** The configured model directory's model, always available as the last resort. */
  factory: { identity: ModelIdentity; load(): Promise<ActiveModel> };
  keys: readonly KeyObject[];
  /** Live frames inspected and failed since start (probation reads the deltas). */
  frames(): { inspected: number; failed: number };
  report(status: ModelStatus): void;
  event(event: RaisedEvent): void;
  failpoint: Failpoints;
  log: Logger;
  now?: () => number;
  /** How often probation and comparisons are looked at and reported, ms. */
  tickMs?: number;
}

export interface UpdateController {
  /** A new desired state from the hub (retained `model/desired`); supersedes what is in progress. */
  desired(d: ModelDesired): void;
  /** What the boot did (crash loop, a slot that failed to load), reported once connected. */
  booted(notes: readonly BootNote[]): void;
  /** The latest status (sent again on reconnect). */
  status(): ModelStatus | undefined;
  /** Resolves when the desired state in progress has been applied (tests). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const aborted = (signal: AbortSignal) => {
  if (signal.aborted) throw Object.assign(new Error('superseded'), { name: 'AbortError' });
};

/**
 * Applies the desired model state, step by step, each step a phase reported in model/status:
 *
 *   downloading → verifying → writing → loading → shadow            (mode shadow)
 *                                               → switching → probation → active   (mode active)
 *
 * and refused / failed / rolled-back when a step says no. A model already installed skips to loading, one
 * already in the spare slot to shadow or switching. A new desired state aborts the steps in progress between
 * two steps (a partial download is kept and resumed). The pointer on disk changes only in `writing` (what a
 * slot holds), `switching` (which slot runs) and at the end of probation or a rollback.
 */
export function createUpdateController(d: UpdateControllerDeps): UpdateController {
  const { store, models, shadow, log } = d;
  const now = d.now ?? Date.now;
  let running: AbortController | undefined;
  let work: Promise<void> = Promise.resolve();
  let closed = false;
  /** Thresholds the replaced model ran with: back in force on a rollback, and the spare's in a comparison. */
  let previousThresholds: InForce | undefined;

  const status = createStatusReporter({ models, shadow, policy: d.policy, send: d.report, log, now });
  const { enter, report } = status;
  const policyThresholds = status.inForce;
  const setThresholds = (t: Thresholds, why: string) => applyThresholds(d.policy, d.event, t, why);

  const probation = createProbation({
    config: d.config.probation,
    frames: d.frames,
    now,
    onHalfway: () => d.failpoint('probation'),
    onFailed: (reason) => void exclusive(() => rollback('SL_PROBATION_FAILED', reason)),
    onPassed: () =>
      void exclusive(async () => {
        await store.writePointer({ ...store.pointer(), probation: null });
        // The spare kept the last good model for a rollback; drop it, unless it now holds the next model wanted
        // (a new desired state loaded it while this probation ran, and is about to switch to it).
        const spare = models.spare();
        const wanted = status.target?.model;
        const next =
          spare &&
          wanted &&
          sameModel(spare.identity, wanted) &&
          !sameModel(models.current().identity, wanted);
        if (!shadow.current() && !next) await models.setSpare(undefined);
        log.info({ event: 'probation_passed', model: models.current().identity }, 'model passed probation');
        if (status.phase === 'probation') enter('active');
      }),
  });
  const ticker = setInterval(() => {
    probation.tick();
    const p = status.phase;
    if (p === 'shadow' || p === 'probation' || (p === 'active' && shadow.current())) report();
  }, d.tickMs ?? 1000);
  ticker.unref();

  // Changes to the pointer and the slots in memory happen one at a time.
  let lock: Promise<unknown> = Promise.resolve();
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = lock.then(fn);
    lock = next.catch(() => undefined);
    return next;
  }

  const rollback = (code: UpdateRefused['code'], reason: string) =>
    rollBack(
      {
        store,
        models,
        shadow,
        probation,
        loadSlot,
        modelIn: slotModel,
        policy: d.policy,
        previousThresholds,
        event: d.event,
        log,
        enter,
      },
      code,
      reason,
    );

  async function loadSlot(slot: SlotId): Promise<ActiveModel> {
    if (slot === 'factory') return d.factory.load();
    const verified = await readInstalled(store, slot, d.keys);
    return d.load(verified, store.slotPath(slot));
  }

  const slotOf = (model: ModelIdentity): SlotId | null => {
    if (sameModel(model, d.factory.identity)) return 'factory';
    const p = store.pointer();
    return (['a', 'b'] as const).find((s) => p.slots[s] && sameModel(p.slots[s].model, model)) ?? null;
  };

  /** The wanted model, verified and written to a slot (downloaded first when no slot holds it). */
  const installer: Installer = {
    store,
    channel: d.channel,
    chunkWindow: d.config.chunkWindow,
    keys: d.keys,
    now,
    log,
    failpoint: d.failpoint,
    event: d.event,
    exclusive,
    enter: (p, more) => enter(p, more),
  };

  /** The wanted model loaded into the spare slot and self-tested on its golden images. */
  async function intoSpare(want: ModelDesired, signal: AbortSignal): Promise<void> {
    const spare = models.spare();
    if (spare && sameModel(spare.identity, want.model)) return;
    let loaded: ActiveModel;
    if (sameModel(want.model, d.factory.identity)) {
      enter('loading');
      loaded = await d.factory.load();
    } else {
      const { slot, verified } = await installBundle(installer, want, signal);
      aborted(signal);
      enter('loading');
      const tested = await loadTested(verified, store.slotPath(slot), {
        load: d.load,
        selfTest: d.selfTest ?? selfTest,
        afterLoad: () => d.failpoint('load'),
      });
      status.note({ selftest: tested.selftest });
      loaded = tested.model;
    }
    if (signal.aborted) {
      await loaded.engine.close();
      aborted(signal);
    }
    shadow.plan(undefined);
    await models.setSpare(loaded);
  }

  /** The thresholds a model runs with: the desired state's, else its manifest's (uncertain band kept). */
  const thresholdsFor = (want: ModelDesired, model: ActiveModel): InForce => ({
    defect: want.thresholds?.defect ?? model.manifest.threshold,
    uncertainBand: want.thresholds?.uncertainBand ?? d.policy.current().uncertainBand,
  });

  /** The wanted model already runs: thresholds, comparison with the last good model, probation. */
  async function settle(want: ModelDesired) {
    const p = store.pointer();
    if (want.thresholds)
      setThresholds(want.thresholds, want.rollout ? `rollout ${want.rollout}` : 'desired state');
    const compareWith = want.shadow && p.previous ? p.previous : null;
    if ((compareWith || p.probation) && p.previous) {
      const spare = models.spare();
      if (!spare || !sameModel(spare.identity, slotModel(p.previous)))
        await models.setSpare(await loadSlot(p.previous));
    }
    const spare = models.spare();
    if (compareWith && spare && want.shadow) {
      if (!shadow.current()) {
        shadow.plan({
          share: want.shadow.share,
          baseline: spare.identity,
          candidate: models.current().identity,
          spareThresholds: previousThresholds ?? policyThresholds(),
        });
      } else shadow.setShare(want.shadow.share);
    } else {
      shadow.plan(undefined);
      if (!p.probation) await models.setSpare(undefined);
    }
    if (p.probation) probation.start(p.probation.since);
    enter(p.probation ? 'probation' : 'active');
  }
  const slotModel = (slot: SlotId): ModelIdentity =>
    slot === 'factory' ? d.factory.identity : (store.pointer().slots[slot]?.model ?? d.factory.identity);

  async function apply(want: ModelDesired, signal: AbortSignal) {
    status.target = want;
    if (sameModel(models.current().identity, want.model)) return exclusive(() => settle(want));
    const slot = slotOf(want.model);
    const trust = store.trust();
    if (want.bundle) checkNotKnownBad(trust, want.bundle.sha256, want.model);
    if (slot && slot !== 'factory') checkNotKnownBad(trust, store.pointer().slots[slot]?.bundle, want.model);
    checkVersion(trust, want, d.keys, now());
    if (!d.config.enabled)
      throw new UpdateRefused('SL_UPDATE_DISABLED', 'model updates are off on this agent (update.enabled)');
    if (d.keys.length === 0)
      throw new UpdateRefused(
        'SL_BUNDLE_UNTRUSTED',
        'no trusted keys configured (update.trustedKeys): every bundle is refused',
      );
    await intoSpare(want, signal);
    aborted(signal);
    const candidate = models.spare() as ActiveModel;
    if (want.mode === 'shadow') {
      shadow.plan({
        share: want.shadow?.share ?? 0.25,
        baseline: models.current().identity,
        candidate: candidate.identity,
        spareThresholds: thresholdsFor(want, candidate),
      });
      enter('shadow');
      return;
    }
    await exclusive(async () => {
      enter('switching');
      const p = store.pointer();
      const to = slotOf(want.model) as SlotId;
      await store.writePointer({
        ...p,
        active: to,
        previous: p.active,
        probation: { since: now(), boots: 0 },
      });
      d.failpoint('switch');
      previousThresholds = policyThresholds();
      const from = models.current().identity;
      models.promote();
      setThresholds(thresholdsFor(want, candidate), `switched to ${want.model.id} ${want.model.version}`);
      d.event({
        kind: 'model_activated',
        severity: 'info',
        message: `model ${want.model.id} ${want.model.version} is live (was ${from.id} ${from.version}); on probation`,
        detail: { from, to: want.model, rollout: want.rollout },
      });
      await settle(want);
    });
  }

  const sameDesired = (a: ModelDesired | undefined, b: ModelDesired) => {
    if (!a) return false;
    const { ts: _a, ...x } = a;
    const { ts: _b, ...y } = b;
    return JSON.stringify(x) === JSON.stringify(y);
  };

  return {
    desired(want) {
      if (closed) return;
      // The retained message comes again on every reconnect: the same state changes nothing, unless the
      // last attempt failed (then it is tried again).
      if (sameDesired(status.target, want) && status.phase !== 'failed') return;
      running?.abort();
      const controller = new AbortController();
      running = controller;
      work = work.then(async () => {
        if (controller.signal.aborted) return;
        try {
          await apply(want, controller.signal);
        } catch (err) {
          if ((err as Error).name === 'AbortError') return;
          const refused = refusalOf(err);
          const message = (err as Error).message;
          if (refused) {
            log.warn({ event: 'model_refused', code: refused.code, model: want.model }, message);
            d.event({
              kind: 'model_refused',
              severity: 'warning',
              message,
              detail: { code: refused.code, model: want.model },
            });
            enter(refused.phase, { code: refused.code, error: message });
          } else {
            log.error(
              { event: 'model_update_failed', model: want.model, err: message },
              'model update failed',
            );
            d.event({
              kind: 'model_load_failed',
              severity: 'warning',
              message: `model update to ${want.model.id} ${want.model.version} failed: ${message}`,
              detail: { model: want.model },
            });
            enter('failed', {
              code: (err as { code?: string }).code ?? 'SL_MODEL_LOAD_FAILED',
              error: message,
            });
          }
        }
      });
    },
    booted(notes) {
      const note = notes.at(-1);
      if (!note) return;
      status.target = { ts: now(), model: note.model, mode: 'active' };
      enter('rolled-back', { code: note.code, error: note.reason });
      d.event({
        kind: 'model_rolled_back',
        severity: 'critical',
        message: `model ${note.model.id} ${note.model.version}: ${note.reason}`,
        detail: { code: note.code, model: note.model },
      });
    },
    status: () => status.last(),
    settled: () => work,
    async close() {
      closed = true;
      running?.abort();
      clearInterval(ticker);
      probation.stop();
      await work.catch(() => undefined);
      await shadow.idle();
    },
  };
}
