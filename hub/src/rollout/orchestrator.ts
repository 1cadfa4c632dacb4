import { randomUUID } from 'node:crypto';
import {
  type FleetModelsResponse,
  type ModelIdentity,
  type Rollout,
  type RolloutEvent,
  RolloutSpec,
  type RolloutSpecInput,
  type Thresholds,
  type ThresholdsRequest,
} from '@sightline/protocol';
import type { Logger } from 'pino';
import { HubError } from '../errors.ts';
import type { BundlePublisher } from '../registry/publisher.ts';
import type { Registry } from '../registry/registry.ts';
import type { AgentSnapshot } from '../store/index.ts';
import { advanceStage, desiredFor, type Effects, fail, type StepContext, step, TERMINAL } from './advance.ts';
import type { DesiredStates } from './desired.ts';
import { type FleetAgent, fleetAgent } from './fleet.ts';
import type { Journal } from './journal.ts';
import type { RollbackSigner } from './signer.ts';
import { matchTargets, planStages } from './targets.ts';

export interface Orchestrator {
  start(spec: RolloutSpecInput, by?: string): Promise<Rollout>;
  list(): Rollout[];
  get(id: string): Rollout;
  events(filter: { rollout?: string; limit: number }): RolloutEvent[];
  /** Skips the rest of the current stage and its gates. */
  promote(id: string, by?: string): Promise<Rollout>;
  /** Stops a running rollout and rolls its agents back. */
  cancel(id: string, by?: string): Promise<Rollout>;
  /** Rolls back a rollout, finished or not. */
  rollback(id: string, by?: string): Promise<Rollout>;
  setThresholds(req: ThresholdsRequest): Promise<{ agents: string[] }>;
  /**
   * Sets the thresholds a running rollout's model runs with (chosen from the score distributions its shadow
   * stage collected): its agents get them with their desired state now, and every later stage carries them.
   */
  setRolloutThresholds(
    id: string,
    req: { thresholds: Thresholds; reason: string; by?: string },
  ): Promise<Rollout>;
  fleet(): Promise<FleetModelsResponse>;
  /** One pass over every rollout (the loop runs it every tickMs). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs rollouts: resolves targets, plans stages, and every tick reads the agents (their latest birth, state
 * and model status from the store), steps each rollout's state machine (advance.ts), publishes the desired
 * states it asks for (the bundle first), and records every transition as an event with its reason.
 */
export function createOrchestrator(o: {
  registry: Registry;
  publisher: BundlePublisher;
  desired: DesiredStates;
  journal: Journal;
  signer: RollbackSigner;
  agents(): Promise<AgentSnapshot[]>;
  tickMs: number;
  log: Logger;
  now?: () => number;
}): Orchestrator {
  const now = o.now ?? Date.now;
  const rollouts = o.journal.rollouts;
  let queue: Promise<unknown> = Promise.resolve();
  /** One change at a time: ticks and commands never interleave. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const fleetNow = async () => new Map((await o.agents()).map(fleetAgent).map((a) => [a.key, a]));
  const bundleOf = (model: ModelIdentity) => {
    const entry = o.registry
      .list()
      .find((e) => e.id === model.id && e.version === model.version && e.model_sha256 === model.sha256);
    return entry && entry.status === 'ready' ? { sha256: entry.sha256, bytes: entry.bytes } : undefined;
  };
  const context = (agents: Map<string, FleetAgent>): StepContext => ({
    now: now(),
    agents,
    sign: (model, reason, rollout) => o.signer.sign(model, reason, rollout, now()),
    bundleOf,
  });
  const find = (id: string) => {
    const r = rollouts.find((x) => x.id === id);
    if (!r) throw new HubError('SL_ROLLOUT_NOT_FOUND', `no rollout ${id}; GET /api/rollouts lists them`);
    return r;
  };

  async function apply(r: Rollout, fx: Effects) {
    // Agents fetch the bundle as soon as they see their desired state: it must be on the broker first.
    const models = new Map(
      fx.desire.flatMap((d) => (d.desired.bundle ? [[d.desired.bundle.sha256, d.desired.model]] : [])),
    );
    for (const m of models.values()) await o.publisher.ensure(m.id, m.version);
    await o.desired.set(fx.desire);
    await o.journal.record(fx.events);
    for (const e of fx.events) o.log.info({ rollout: r.id, kind: e.kind, agent: e.agent }, e.reason);
    if (TERMINAL.has(r.state) && !o.desired.referenced(r.bundle.sha256))
      await o.publisher.retire(r.model.id, r.model.version);
  }

  async function tickOnce() {
    // Finished rollouts are still followed for a day, for agents that were away and catch up later.
    const open = rollouts.filter(
      (r) =>
        !TERMINAL.has(r.state) ||
        (now() - r.updated_ts < 86_400_000 &&
          r.agents.some((a) => a.mode !== null && a.progress !== 'active')),
    );
    if (open.length === 0) return;
    const ctx = context(await fleetNow());
    let changed = false;
    for (const r of open) {
      // Stepped on a copy: readers see the new state only once its desired states and events are out.
      const next = structuredClone(r);
      const fx = step(next, ctx);
      await apply(next, fx);
      changed ||= JSON.stringify(next) !== JSON.stringify(r);
      Object.assign(r, next);
    }
    if (changed) await o.journal.save();
  }

  async function command(id: string, what: (r: Rollout, ctx: StepContext, fx: Effects) => void) {
    return serial(async () => {
      const r = find(id);
      const next = structuredClone(r);
      const fx: Effects = { desire: [], events: [] };
      what(next, context(await fleetNow()), fx);
      next.updated_ts = now();
      await apply(next, fx);
      Object.assign(r, next);
      await o.journal.save();
      return r;
    });
  }
  const by = (who?: string) => (who ? ` by ${who}` : ' by an engineer');

  const timer = setInterval(() => {
    void serial(tickOnce).catch((err: Error) => o.log.error({ err: err.message }, 'rollout tick failed'));
  }, o.tickMs);
  timer.unref();

  return {
    start: (input, who) =>
      serial(async () => {
        const parsed = RolloutSpec.safeParse(input);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new HubError('SL_ROLLOUT_INVALID', `${issue?.path.join('.') || 'body'}: ${issue?.message}`);
        }
        const spec = parsed.data;
        const entry = o.registry.get(spec.model.id, spec.model.version);
        if (!entry)
          throw new HubError(
            'SL_MODEL_NOT_FOUND',
            `no model ${spec.model.id} ${spec.model.version} in the registry; upload its bundle first`,
          );
        if (entry.status !== 'ready')
          throw new HubError(
            'SL_ROLLOUT_INVALID',
            `${entry.id} ${entry.version} was rejected by the registry (${entry.reason}); it cannot be rolled out`,
          );
        const agents = matchTargets([...(await fleetNow()).values()], spec.targets);
        if (agents.length === 0)
          throw new HubError(
            'SL_ROLLOUT_INVALID',
            'no known agent matches the targets; GET /api/fleet/models lists the agents',
          );
        const busy = agents.filter((a) =>
          rollouts.some((r) => !TERMINAL.has(r.state) && r.agents.some((x) => x.key === a.key)),
        );
        if (busy.length)
          throw new HubError(
            'SL_ROLLOUT_CONFLICT',
            `${busy.map((a) => a.key).join(', ')} already take part in a running rollout; cancel it or wait`,
          );
        const id = `r-${new Date(now()).toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
        const ts = now();
        const byKey = new Map(agents.map((a) => [a.key, a]));
        const rollout: Rollout = {
          id,
          spec,
          model: { id: entry.id, version: entry.version, sha256: entry.model_sha256 },
          bundle: { sha256: entry.sha256, bytes: entry.bytes },
          state: 'deploying',
          stage: 0,
          stage_started_ts: ts,
          created_ts: ts,
          updated_ts: ts,
          reason: null,
          gates: [],
          agents: planStages(id, [...byKey.keys()], spec.stages).map((p) => {
            const a = byKey.get(p.key) as FleetAgent;
            return {
              key: a.key,
              site: a.site,
              line: a.line,
              agent: a.agent,
              stage: Math.min(p.shadow ?? Number.POSITIVE_INFINITY, p.active ?? Number.POSITIVE_INFINITY),
              shadow_stage: p.shadow,
              active_stage: p.active,
              mode: null,
              desired_ts: null,
              frames_base: 0,
              from: a.active,
              progress: a.online ? 'waiting' : 'offline',
              progress_share: null,
              error: null,
              code: null,
              compare: null,
              selftest: null,
              updated_ts: ts,
            };
          }),
        };
        await o.publisher.ensure(entry.id, entry.version);
        const fx = step(rollout, context(await fleetNow()));
        fx.events.unshift({
          ts,
          rollout: id,
          kind: 'started',
          reason: `${entry.id} ${entry.version} to ${agents.length} agent(s) in ${spec.stages.length} stage(s)${by(who)}`,
          detail: { spec },
        });
        await apply(rollout, fx);
        rollouts.push(rollout);
        await o.journal.save();
        return rollout;
      }),
    list: () => [...rollouts].sort((a, b) => b.created_ts - a.created_ts),
    get: find,
    events: (filter) => o.journal.events(filter),
    promote: (id, who) =>
      command(id, (r, ctx, fx) => {
        if (r.state !== 'deploying' && r.state !== 'observing')
          throw new HubError(
            'SL_ROLLOUT_CONFLICT',
            `rollout ${id} is ${r.state}; only a running one can be promoted`,
          );
        const ev = (kind: string, reason: string) =>
          fx.events.push({ ts: ctx.now, rollout: id, kind, reason });
        ev('promoted', `stage ${r.stage + 1} promoted${by(who)} without waiting for its gates`);
        advanceStage(r, ctx, fx, ev, `promoted${by(who)}`);
      }),
    cancel: (id, who) =>
      command(id, (r, ctx, fx) => {
        if (r.state !== 'deploying' && r.state !== 'observing')
          throw new HubError(
            'SL_ROLLOUT_CONFLICT',
            `rollout ${id} is ${r.state}; only a running one can be cancelled`,
          );
        fail(r, ctx, fx, `cancelled${by(who)}`, 'cancelled');
      }),
    rollback: (id, who) =>
      command(id, (r, ctx, fx) => {
        if (r.state === 'rolling-back' || r.state === 'rolled-back')
          throw new HubError('SL_ROLLOUT_CONFLICT', `rollout ${id} is already ${r.state}`);
        fail(r, ctx, fx, `rolled back${by(who)}`, 'rollback');
      }),
    setRolloutThresholds: (id, req) =>
      command(id, (r, ctx, fx) => {
        if (r.state !== 'deploying' && r.state !== 'observing')
          throw new HubError(
            'SL_ROLLOUT_CONFLICT',
            `rollout ${id} is ${r.state}; set thresholds on its lines instead (PUT /api/thresholds)`,
          );
        const from = r.spec.thresholds ?? null;
        r.spec.thresholds = req.thresholds;
        for (const a of r.agents) {
          if (a.mode === 'shadow' || a.mode === 'active')
            fx.desire.push({ key: a.key, desired: desiredFor(r, a.mode, ctx.now, true) });
        }
        fx.events.push({
          ts: ctx.now,
          rollout: id,
          kind: 'thresholds',
          reason: `${r.model.id} ${r.model.version} runs with defect threshold ${req.thresholds.defect}${by(req.by)}: ${req.reason}`,
          detail: { from, to: req.thresholds, by: req.by ?? null },
        });
      }),
    setThresholds: (req) =>
      serial(async () => {
        const agents = [...(await fleetNow()).values()].filter(
          (a) =>
            a.site === req.site &&
            (!req.line || a.line === req.line) &&
            (!req.agent || a.agent === req.agent),
        );
        if (agents.length === 0)
          throw new HubError(
            'SL_REQUEST_INVALID',
            `no known agent at ${[req.site, req.line, req.agent].filter(Boolean).join('/')}`,
          );
        const ts = now();
        const changes = agents.flatMap((a) => {
          const current =
            o.desired.get(a.key) ?? (a.active ? { ts, model: a.active, mode: 'active' as const } : undefined);
          return current ? [{ key: a.key, desired: { ...current, ts, thresholds: req.thresholds } }] : [];
        });
        const before = new Map(changes.map((c) => [c.key, o.desired.get(c.key)?.thresholds ?? null]));
        await o.desired.set(changes);
        await o.journal.record(
          changes.map((c) => ({
            ts,
            rollout: '-',
            kind: 'thresholds',
            agent: c.key,
            reason: `thresholds set to defect ${req.thresholds.defect}${req.thresholds.uncertainBand === undefined ? '' : `, uncertain band ${req.thresholds.uncertainBand}`}${by(req.by)}: ${req.reason}`,
            detail: {
              from: before.get(c.key) ?? null,
              to: req.thresholds,
              by: req.by ?? null,
            },
          })),
        );
        return { agents: changes.map((c) => c.key) };
      }),
    async fleet() {
      const agents = [...(await fleetNow()).values()];
      const mix = new Map<string, { id: string; version: string; agents: number }>();
      for (const a of agents) {
        if (!a.active) continue;
        const k = `${a.active.id} ${a.active.version}`;
        const m = mix.get(k) ?? { id: a.active.id, version: a.active.version, agents: 0 };
        m.agents += 1;
        mix.set(k, m);
      }
      return {
        agents: agents.map((a) => {
          const d = o.desired.get(a.key);
          return {
            key: a.key,
            site: a.site,
            line: a.line,
            agent: a.agent,
            online: a.online,
            active: a.active,
            shadow: a.status?.shadow ?? null,
            phase: a.status?.phase ?? null,
            thresholds: a.thresholds,
            desired: d ? { model: d.model, mode: d.mode, rollout: d.rollout ?? null } : null,
          };
        }),
        mix: [...mix.values()].sort((x, y) => y.agents - x.agents),
      };
    },
    tick: () => serial(tickOnce),
    async close() {
      clearInterval(timer);
      await queue;
    },
  };
}
